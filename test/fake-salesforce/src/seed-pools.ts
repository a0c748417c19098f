// Name pools for generated data. The Unicode and markup entries are used only when defects are on.
export const FIRST_NAMES = [
  "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
  "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
  "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Sandra", "Mark", "Ashley", "Steven", "Emily",
  "Priya", "Wei", "Aisha", "Carlos", "Fatima", "Hiroshi", "Olga", "Kwame", "Ana", "Lars",
];
export const UNICODE_FIRST_NAMES = ["Zoë", "José", "Łukasz", "Søren", "Ngọc", "Björn", "François", "Ярослав", "美咲", "Siân"];
export const LAST_NAMES = [
  "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
  "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
  "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
  "Patel", "Chen", "Okafor", "Nakamura", "Ivanova", "Mensah", "Silva", "Larsen", "Kowalski", "O'Brien",
];
export const UNICODE_LAST_NAMES = ["Müller", "Nguyễn", "Ødegaard", "Şahin", "Håkansson", "Dvořák", "Петров", "山田", "García-Núñez", "Ó Súilleabháin"];
export const MARKUP_NAME = "<img src=x onerror=alert(1)>";

export const COMPANY_WORDS = [
  "Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay", "Soylent", "Cyberdyne",
  "Wonka", "Tyrell", "Massive", "Pied Piper", "Aperture", "Oscorp", "Gringotts", "Monarch", "Nakatomi", "Dunder",
  "Blue Sky", "Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Adventure", "Proseware", "Lucerne", "Wingtip",
];
export const COMPANY_SUFFIXES = ["Inc", "LLC", "Ltd", "Corp", "Group", "Labs", "Systems", "Partners", "Holdings", "Co"];
export const UNICODE_COMPANIES = ["Müller & Söhne GmbH", "Société Générale d'Édition", "株式会社サンプル", "Łódź Logistyka", "Café Ñandú"];

export const TITLES = [
  "CEO", "CTO", "VP Marketing", "VP Sales", "Marketing Manager", "Growth Lead", "Head of Product",
  "Software Engineer", "Account Executive", "Director of Operations", "Data Analyst", "Founder",
];
export const DOMAINS = ["example.com", "example.org", "mail.example.net", "corp.example.io", "example.co.uk"];
export const INVALID_EMAILS = [
  "n/a", "unknown", "john.smith@", "john smith@example.com", "john.smith.example.com",
  "john@@example.com", "jane.doe@example", "sales@example..com", "@example.com",
];
export const EVENT_NAMES = [
  "Signed Up", "Logged In", "Viewed Pricing", "Started Trial", "Upgraded Plan", "Invited Teammate",
  "Downloaded Whitepaper", "Attended Webinar", "Requested Demo", "Cancelled Subscription",
];
export const PLANS = ["free", "starter", "pro", "enterprise"];
