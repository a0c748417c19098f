// Conversion's own fields a mapping can name, with the words the Settings screen shows for them.

export const CONVERSION_FIELDS = {
  contact: [
    { name: "email", label: "Email" },
    { name: "userId", label: "User ID" },
    { name: "firstName", label: "First name" },
    { name: "lastName", label: "Last name" },
    { name: "title", label: "Title" },
    { name: "phone", label: "Phone" },
  ],
  company: [
    { name: "name", label: "Name" },
    { name: "domain", label: "Domain" },
    { name: "industry", label: "Industry" },
  ],
} as const;

export const CONTACT_FIELDS = CONVERSION_FIELDS.contact.map((f) => f.name);
export const COMPANY_FIELDS = CONVERSION_FIELDS.company.map((f) => f.name);
