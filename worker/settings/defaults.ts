import type { Mapping, Settings } from "./schema";

export const DEFAULT_EVENT_OBJECT = "Conversion_Event__c";

const both = (conversionField: string, salesforceField: string): Mapping => ({
  conversionField,
  salesforceField,
  direction: "both",
  writeRule: "always",
});

/** The defaults (README "Configuration"): everything on except the event object, which the admin turns on. */
export function defaultSettings(): Settings {
  const on = { enabled: true, writeMode: "create_or_update" as const };
  return {
    syncIntervalMinutes: 5,
    apiDailyBudget: null,
    objects: {
      Account: { ...on },
      Lead: { ...on },
      Contact: { ...on },
      Opportunity: { ...on },
      OpportunityContactRole: { ...on },
      [DEFAULT_EVENT_OBJECT]: { enabled: false, writeMode: "create_or_update" },
    },
    eventObject: DEFAULT_EVENT_OBJECT,
    syncRules: [],
    outbound: { writeLeadsAndContacts: true, writeAccounts: true, createLeads: true },
    fieldMappings: {
      contact: [
        both("email", "Email"),
        both("firstName", "FirstName"),
        both("lastName", "LastName"),
        both("title", "Title"),
        both("phone", "Phone"),
      ],
      company: [both("name", "Name"), both("domain", "Website"), both("industry", "Industry")],
    },
  };
}
