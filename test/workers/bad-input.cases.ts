// The bad-input table: per route, malformed requests and the answer each must get. A 400 names
// the field (in the message as 'field' and as details.issues[0].field); nothing is ever a 5xx.

export interface BadCase {
  /** `METHOD /path` as in routes.ts. */
  route: string;
  name: string;
  /** Query parameters merged over the route's valid sample, or a raw query string. */
  query?: Record<string, string> | string;
  /** The raw (already encoded) path segment for `{id}`. */
  id?: string;
  /** The body: a raw string or a value sent as JSON (replaces the sample). */
  body?: unknown;
  headers?: Record<string, string>;
  /** The fixture object `{id}` names instead of the route's own: see bad-input.test.ts. */
  use?: "finishedRun" | "runningRun" | "otherContact";
  status: number;
  field?: string;
  code?: string;
}

const KB10 = "x".repeat(10 * 1024);
/** A cursor in the right format for the contacts list, handed to another list. */
const CONTACTS_CURSOR = btoa(JSON.stringify(["contacts", "2026-01-01T00:00:00.000Z", "ct_x"])).replace(/=+$/, "");
const SQL_ID = encodeURIComponent("1' OR '1'='1");
const PATH_ID = encodeURIComponent("../../settings");

const LISTS = [
  "GET /api/v1/sync/runs",
  "GET /api/v1/sync/runs/{id}/records",
  "GET /api/v1/sync/records",
  "GET /api/v1/contacts",
  "GET /api/v1/companies",
  "GET /api/v1/opportunities",
  "GET /api/v1/events",
];

const paging: BadCase[] = LISTS.flatMap((route): BadCase[] => [
  { route, name: "limit=0", query: { limit: "0" }, status: 400, field: "limit" },
  { route, name: "limit=201", query: { limit: "201" }, status: 400, field: "limit" },
  { route, name: "limit=abc", query: { limit: "abc" }, status: 400, field: "limit" },
  { route, name: "limit=1.5", query: { limit: "1.5" }, status: 400, field: "limit" },
  { route, name: "limit=-1", query: { limit: "-1" }, status: 400, field: "limit" },
  { route, name: "limit of 10 KB", query: { limit: "9".repeat(10 * 1024) }, status: 400, field: "limit" },
  { route, name: "a garbage cursor", query: { cursor: "not a cursor!" }, status: 400, field: "cursor" },
  { route, name: "a base64 cursor of junk", query: { cursor: "Z2FyYmFnZQ" }, status: 400, field: "cursor" },
  { route, name: "a cursor of 10 KB", query: { cursor: KB10 }, status: 400, field: "cursor" },
  ...(route === "GET /api/v1/contacts"
    ? []
    : [{ route, name: "another list's cursor", query: { cursor: CONTACTS_CURSOR }, status: 400, field: "cursor" }]),
]);

const byId = (route: string, what: string): BadCase[] => [
  { route, name: `an unknown ${what} id`, id: `${what}_does_not_exist`, status: 404, code: "not_found" },
  { route, name: "an id with SQL", id: SQL_ID, status: 404, code: "not_found" },
  { route, name: "an id with path characters", id: PATH_ID, status: 404, code: "not_found" },
  { route, name: "an id with a NUL and quotes", id: "a%00%22%27%3B--", status: 404, code: "not_found" },
  { route, name: "an id of 10 KB", id: KB10, status: 400, field: "id" },
];

const jsonBody = (route: string): BadCase[] => [
  { route, name: "malformed JSON", body: "{not json", status: 400, field: "body" },
  { route, name: "a JSON array", body: [1, 2], status: 400, field: "body" },
  { route, name: "JSON null", body: "null", status: 400, field: "body" },
  {
    route,
    name: "a text/plain body",
    body: "{}",
    headers: { "content-type": "text/plain" },
    status: 415,
    field: "content-type",
  },
  {
    route,
    name: "a form body",
    body: "a=1",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    status: 415,
    field: "content-type",
  },
  {
    route,
    name: "a body over 1 MB",
    body: JSON.stringify({ name: "x".repeat(1024 * 1024) }),
    status: 413,
    code: "payload_too_large",
  },
];

const mapping = (salesforceField: string, extra: Record<string, unknown> = {}) => ({
  fieldMappings: {
    contact: [{ conversionField: "email", salesforceField, direction: "both", writeRule: "always", ...extra }],
  },
});
const rule = (over: Record<string, unknown>) => ({
  syncRules: [{ object: "Lead", field: "Do_Not_Sync__c", equals: true, ...over }],
});
const SETTINGS = "PATCH /api/v1/settings";

/** Settings that reach SOQL: only Salesforce identifiers get through. */
const soqlSettings: BadCase[] = [
  ...[
    "Do_Not_Sync__c OR Id != null",
    "Name'--",
    "a b",
    "Email, (SELECT Id FROM User)",
    "1Field",
    "Name__c\n",
    "",
  ].flatMap((bad): BadCase[] => [
    {
      route: SETTINGS,
      name: `sync rule field ${JSON.stringify(bad)}`,
      body: rule({ field: bad }),
      status: 400,
      field: "syncRules.0.field",
    },
    {
      route: SETTINGS,
      name: `mapping salesforceField ${JSON.stringify(bad)}`,
      body: mapping(bad),
      status: 400,
      field: "fieldMappings.contact.0.salesforceField",
    },
  ]),
  {
    route: SETTINGS,
    name: "sync rule object with SOQL",
    body: rule({ object: "Lead WHERE Id != null" }),
    status: 400,
    field: "syncRules.0.object",
  },
  {
    route: SETTINGS,
    name: "an object name with a quote",
    body: { objects: { "Lead'--": { enabled: true } } },
    status: 400,
    field: "objects.Lead'--",
  },
  {
    route: SETTINGS,
    name: "an object name with a space",
    body: { objects: { "a b": { enabled: true } } },
    status: 400,
    field: "objects.a b",
  },
  {
    route: SETTINGS,
    name: "eventObject with SOQL",
    body: { eventObject: "Conversion_Event__c WHERE Id != null" },
    status: 400,
    field: "eventObject",
  },
  {
    route: SETTINGS,
    name: "eventObject with a quote",
    body: { eventObject: "Event__c'--" },
    status: 400,
    field: "eventObject",
  },
  {
    route: SETTINGS,
    name: "eventObject that is not custom",
    body: { eventObject: "Account" },
    status: 400,
    field: "eventObject",
  },
  {
    route: SETTINGS,
    name: "company mapping salesforceField with SOQL",
    body: {
      fieldMappings: {
        company: [
          { conversionField: "name", salesforceField: "Name FROM Account--", direction: "both", writeRule: "always" },
        ],
      },
    },
    status: 400,
    field: "fieldMappings.company.0.salesforceField",
  },
];

const settings: BadCase[] = [
  ...jsonBody(SETTINGS),
  ...soqlSettings,
  {
    route: SETTINGS,
    name: "an interval as a string",
    body: { syncIntervalMinutes: "5" },
    status: 400,
    field: "syncIntervalMinutes",
  },
  {
    route: SETTINGS,
    name: "an interval of 0",
    body: { syncIntervalMinutes: 0 },
    status: 400,
    field: "syncIntervalMinutes",
  },
  {
    route: SETTINGS,
    name: "a fractional interval",
    body: { syncIntervalMinutes: 1.5 },
    status: 400,
    field: "syncIntervalMinutes",
  },
  { route: SETTINGS, name: "a negative budget", body: { apiDailyBudget: -1 }, status: 400, field: "apiDailyBudget" },
  {
    route: SETTINGS,
    name: "an unknown write mode",
    body: { objects: { Lead: { writeMode: "sometimes" } } },
    status: 400,
    field: "objects.Lead.writeMode",
  },
  {
    route: SETTINGS,
    name: "enabled as a string",
    body: { objects: { Lead: { enabled: "yes" } } },
    status: 400,
    field: "objects.Lead.enabled",
  },
  {
    route: SETTINGS,
    name: "an unknown object setting",
    body: { objects: { Lead: { priority: 1 } } },
    status: 400,
    field: "objects.Lead.priority",
  },
  { route: SETTINGS, name: "objects as an array", body: { objects: [] }, status: 400, field: "objects" },
  {
    route: SETTINGS,
    name: "an object the sync does not know",
    body: { objects: { Task: { enabled: true } } },
    status: 400,
    field: "objects.Task",
  },
  {
    route: SETTINGS,
    name: "a custom object that is not the event object",
    body: { objects: { Webinar__c: { enabled: true } } },
    status: 400,
    field: "objects.Webinar__c",
  },
  {
    route: SETTINGS,
    name: "an object name in other case",
    body: { objects: { lead: { enabled: false } } },
    status: 400,
    field: "objects.lead",
  },
  {
    route: SETTINGS,
    name: "a rule equal to an object",
    body: rule({ equals: { a: 1 } }),
    status: 400,
    field: "syncRules.0.equals",
  },
  {
    route: SETTINGS,
    name: "a rule without a field",
    body: { syncRules: [{ object: "Lead", equals: true }] },
    status: 400,
    field: "syncRules.0.field",
  },
  {
    route: SETTINGS,
    name: "51 rules",
    body: { syncRules: Array.from({ length: 51 }, () => rule({}).syncRules[0]) },
    status: 400,
    field: "syncRules",
  },
  {
    route: SETTINGS,
    name: "an unknown mapping direction",
    body: mapping("Email", { direction: "sideways" }),
    status: 400,
    field: "fieldMappings.contact.0.direction",
  },
  {
    route: SETTINGS,
    name: "an unknown write rule",
    body: mapping("Email", { writeRule: "sometimes" }),
    status: 400,
    field: "fieldMappings.contact.0.writeRule",
  },
  {
    route: SETTINGS,
    name: "an unknown Conversion field",
    body: {
      fieldMappings: {
        contact: [{ conversionField: "shoeSize", salesforceField: "Shoe__c", direction: "both", writeRule: "always" }],
      },
    },
    status: 400,
    field: "fieldMappings.contact.0.conversionField",
  },
  {
    route: SETTINGS,
    name: "an unknown mapping kind",
    body: { fieldMappings: { deal: [] } },
    status: 400,
    field: "fieldMappings.deal",
  },
  {
    route: SETTINGS,
    name: "an outbound toggle as a string",
    body: { outbound: { createLeads: "no" } },
    status: 400,
    field: "outbound.createLeads",
  },
  {
    route: SETTINGS,
    name: "an unknown outbound toggle",
    body: { outbound: { deleteEverything: true } },
    status: 400,
    field: "outbound.deleteEverything",
  },
  { route: SETTINGS, name: "an unknown setting", body: { unknownSetting: 1 }, status: 400, field: "unknownSetting" },
];

const RUNS = "GET /api/v1/sync/runs";
const runs: BadCase[] = [
  { route: RUNS, name: "an unknown direction", query: { direction: "sideways" }, status: 400, field: "direction" },
  { route: RUNS, name: "a direction in capitals", query: { direction: "INBOUND" }, status: 400, field: "direction" },
  { route: RUNS, name: "an unknown objectType", query: { objectType: "lead" }, status: 400, field: "objectType" },
  { route: RUNS, name: "a record status as run status", query: { status: "skipped" }, status: 400, field: "status" },
  { route: RUNS, name: "from=yesterday", query: { from: "yesterday" }, status: 400, field: "from" },
  { route: RUNS, name: "from=2026-02-31", query: { from: "2026-02-31" }, status: 400, field: "from" },
  { route: RUNS, name: "to=2026-13-01", query: { to: "2026-13-01" }, status: 400, field: "to" },
  { route: RUNS, name: "to at 25 o'clock", query: { to: "2026-01-01T25:00:00Z" }, status: 400, field: "to" },
  { route: RUNS, name: "from as epoch millis", query: { from: "1767225600000" }, status: 400, field: "from" },
  { route: RUNS, name: "from after to", query: { from: "2026-03-02", to: "2026-03-01" }, status: 400, field: "from" },
  { route: RUNS, name: "from of 10 KB", query: { from: KB10 }, status: 400, field: "from" },
  { route: RUNS, name: "an unknown has", query: { has: "success" }, status: 400, field: "has" },
  {
    route: RUNS,
    name: "direction given twice",
    query: "direction=inbound&direction=outbound",
    status: 400,
    field: "direction",
  },
];

const TOTALS = "GET /api/v1/sync/totals";
const totals: BadCase[] = [
  { route: TOTALS, name: "an unknown time zone", query: { timeZone: "Mars/Olympus" }, status: 400, field: "timeZone" },
  { route: TOTALS, name: "an offset as time zone", query: { timeZone: "+02:00x" }, status: 400, field: "timeZone" },
  { route: TOTALS, name: "a time zone of 10 KB", query: { timeZone: KB10 }, status: 400, field: "timeZone" },
  { route: TOTALS, name: "days=0", query: { days: "0" }, status: 400, field: "days" },
  { route: TOTALS, name: "days=15", query: { days: "15" }, status: 400, field: "days" },
  { route: TOTALS, name: "days=abc", query: { days: "abc" }, status: 400, field: "days" },
];

const RECORDS = "GET /api/v1/sync/runs/{id}/records";
const HISTORY = "GET /api/v1/sync/records";
const records: BadCase[] = [
  ...byId(RECORDS, "run"),
  {
    route: RECORDS,
    name: "a run status as record status",
    query: { status: "completed" },
    status: 400,
    field: "status",
  },
  ...byId("GET /api/v1/sync/runs/{id}", "run"),
  ...byId("GET /api/v1/sync/runs/{id}/records.csv", "run"),
  {
    route: "GET /api/v1/sync/runs/{id}/records.csv",
    name: "a run status as record status",
    query: { status: "completed" },
    status: 400,
    field: "status",
  },
  ...byId("POST /api/v1/sync/runs/{id}/retry", "run"),
  {
    route: "POST /api/v1/sync/runs/{id}/retry",
    name: "a run without failed records",
    use: "finishedRun",
    status: 409,
    code: "nothing_to_retry",
  },
  {
    route: "POST /api/v1/sync/runs/{id}/retry",
    name: "a run still in progress",
    use: "runningRun",
    status: 409,
    code: "run_in_progress",
  },
  { route: HISTORY, name: "neither salesforceId nor email", query: "", status: 400, field: "salesforceId" },
  {
    route: HISTORY,
    name: "both salesforceId and email",
    query: { email: "a@example.com" },
    status: 400,
    field: "salesforceId",
  },
  {
    route: HISTORY,
    name: "a 10-character salesforceId",
    query: { salesforceId: "0035g00000" },
    status: 400,
    field: "salesforceId",
  },
  {
    route: HISTORY,
    name: "a salesforceId with SQL",
    query: { salesforceId: "' OR 1=1 --" },
    status: 400,
    field: "salesforceId",
  },
  { route: HISTORY, name: "an empty email", query: "email=", status: 400, field: "email" },
  {
    route: HISTORY,
    name: "a conversionId of an unknown kind",
    query: "conversionId=xx_abc",
    status: 400,
    field: "conversionId",
  },
  {
    route: HISTORY,
    name: "a conversionId with SQL",
    query: `conversionId=${encodeURIComponent("ct_' OR 1=1 --")}`,
    status: 400,
    field: "conversionId",
  },
  {
    route: HISTORY,
    name: "both email and conversionId",
    query: "email=a@example.com&conversionId=ct_abc",
    status: 400,
    field: "email",
  },
  { route: HISTORY, name: "an email of 10 KB", query: `email=${KB10}`, status: 400, field: "email" },
];

const CONTACTS = "POST /api/v1/contacts";
const CONTACT = "PATCH /api/v1/contacts/{id}";
const contacts: BadCase[] = [
  { route: "GET /api/v1/contacts", name: "an email of 10 KB", query: { email: KB10 }, status: 400, field: "email" },
  {
    route: "GET /api/v1/contacts",
    name: "a malformed salesforceId",
    query: { salesforceId: "003'--" },
    status: 400,
    field: "salesforceId",
  },
  ...jsonBody(CONTACTS),
  { route: CONTACTS, name: "no email", body: { firstName: "Ada" }, status: 400, field: "email" },
  { route: CONTACTS, name: "an empty body", body: {}, status: 400, field: "email" },
  { route: CONTACTS, name: "email as a number", body: { email: 5 }, status: 400, field: "email" },
  { route: CONTACTS, name: "an invalid email", body: { email: "not-an-email" }, status: 400, field: "email" },
  { route: CONTACTS, name: "an email of 10 KB", body: { email: `${KB10}@example.com` }, status: 400, field: "email" },
  {
    route: CONTACTS,
    name: "firstName as a number",
    body: { email: "n@example.com", firstName: 5 },
    status: 400,
    field: "firstName",
  },
  {
    route: CONTACTS,
    name: "title as an object",
    body: { email: "n@example.com", title: { a: 1 } },
    status: 400,
    field: "title",
  },
  {
    route: CONTACTS,
    name: "a phone of 10 KB",
    body: { email: "n@example.com", phone: KB10 },
    status: 400,
    field: "phone",
  },
  {
    route: CONTACTS,
    name: "an unknown field",
    body: { email: "n@example.com", shoeSize: 44 },
    status: 400,
    field: "shoeSize",
  },
  {
    route: CONTACTS,
    name: "a salesforceId (read-only)",
    body: { email: "n@example.com", salesforceId: "00Q5g00000AbCdEAAV" },
    status: 400,
    field: "salesforceId",
  },
  {
    route: CONTACTS,
    name: "an unknown companyId",
    body: { email: "n@example.com", companyId: "co_nope" },
    status: 400,
    field: "companyId",
  },
  {
    route: CONTACTS,
    name: "companyId as a number",
    body: { email: "n@example.com", companyId: 5 },
    status: 400,
    field: "companyId",
  },
  { route: CONTACTS, name: "a duplicate email", body: { email: "taken@example.com" }, status: 409, code: "conflict" },
  {
    route: CONTACTS,
    name: "a duplicate email in other case",
    body: { email: " TAKEN@Example.com " },
    status: 409,
    code: "conflict",
  },
  ...jsonBody(CONTACT),
  ...byId(CONTACT, "ct"),
  ...byId("GET /api/v1/contacts/{id}", "ct"),
  ...byId("DELETE /api/v1/contacts/{id}", "ct"),
  { route: CONTACT, name: "email null", body: { email: null }, status: 400, field: "email" },
  {
    route: CONTACT,
    name: "another contact's email",
    use: "otherContact",
    body: { email: "taken@example.com" },
    status: 409,
    code: "conflict",
  },
  { route: CONTACT, name: "lastName as an array", body: { lastName: [] }, status: 400, field: "lastName" },
  { route: CONTACT, name: "an unknown field", body: { nickname: "Ada" }, status: 400, field: "nickname" },
];

const COMPANIES = "POST /api/v1/companies";
const COMPANY = "PATCH /api/v1/companies/{id}";
const companies: BadCase[] = [
  {
    route: "GET /api/v1/companies",
    name: "a malformed salesforceId",
    query: { salesforceId: "001 OR 1" },
    status: 400,
    field: "salesforceId",
  },
  ...jsonBody(COMPANIES),
  { route: COMPANIES, name: "no name", body: { domain: "acme.com" }, status: 400, field: "name" },
  { route: COMPANIES, name: "an empty name", body: { name: "   " }, status: 400, field: "name" },
  { route: COMPANIES, name: "name as a number", body: { name: 5 }, status: 400, field: "name" },
  { route: COMPANIES, name: "domain as a boolean", body: { name: "Acme", domain: true }, status: 400, field: "domain" },
  { route: COMPANIES, name: "an unknown field", body: { name: "Acme", employees: 5 }, status: 400, field: "employees" },
  {
    route: COMPANIES,
    name: "a salesforceId (read-only)",
    body: { name: "Acme", salesforceId: "0015g00000AbCdEAAV" },
    status: 400,
    field: "salesforceId",
  },
  ...jsonBody(COMPANY),
  ...byId(COMPANY, "co"),
  ...byId("GET /api/v1/companies/{id}", "co"),
  ...byId("DELETE /api/v1/companies/{id}", "co"),
  { route: COMPANY, name: "name null", body: { name: null }, status: 400, field: "name" },
  { route: COMPANY, name: "industry as a number", body: { industry: 7 }, status: 400, field: "industry" },
];

// Bulk writes: the same rules item by item, each problem naming its item.
const CONTACTS_BATCH = "POST /api/v1/contacts:batch";
const COMPANIES_BATCH = "POST /api/v1/companies:batch";
const batches: BadCase[] = [
  ...jsonBody(CONTACTS_BATCH),
  { route: CONTACTS_BATCH, name: "no items", body: {}, status: 400, field: "items" },
  {
    route: CONTACTS_BATCH,
    name: "items as an object",
    body: { items: { email: "a@b.co" } },
    status: 400,
    field: "items",
  },
  {
    route: CONTACTS_BATCH,
    name: "an item that is a string",
    body: { items: ["a@b.co"] },
    status: 400,
    field: "items.0",
  },
  {
    route: CONTACTS_BATCH,
    name: "a new contact without email",
    body: { items: [{ firstName: "Ada" }] },
    status: 400,
    field: "items.0.email",
  },
  {
    route: CONTACTS_BATCH,
    name: "an invalid email in the second item",
    body: { items: [{ email: "ok@example.com" }, { email: "nope" }] },
    status: 400,
    field: "items.1.email",
  },
  {
    route: CONTACTS_BATCH,
    name: "an id of 10 KB",
    body: { items: [{ id: KB10, title: "x" }] },
    status: 400,
    field: "items.0.id",
  },
  {
    route: CONTACTS_BATCH,
    name: "an id with SQL",
    body: { items: [{ id: "1' OR '1'='1", title: "x" }] },
    status: 400,
    field: "items.0.id",
  },
  {
    route: CONTACTS_BATCH,
    name: "201 items",
    body: { items: Array.from({ length: 201 }, (_, i) => ({ email: `n${i}@example.com` })) },
    status: 400,
    field: "items",
  },
  {
    route: CONTACTS_BATCH,
    name: "another contact's email",
    body: { items: [{ email: "taken@example.com" }] },
    status: 409,
    code: "conflict",
  },
  ...jsonBody(COMPANIES_BATCH),
  {
    route: COMPANIES_BATCH,
    name: "a new company without name",
    body: { items: [{ domain: "a.co" }] },
    status: 400,
    field: "items.0.name",
  },
  {
    route: COMPANIES_BATCH,
    name: "a blank name in the second item",
    body: { items: [{ name: "Acme" }, { name: "  " }] },
    status: 400,
    field: "items.1.name",
  },
];

const ADMIN_WS = "POST /api/v1/admin/workspaces";
const admin: BadCase[] = [
  ...jsonBody(ADMIN_WS),
  { route: ADMIN_WS, name: "no name", body: {}, status: 400, field: "name" },
  { route: ADMIN_WS, name: "a blank name", body: { name: "  " }, status: 400, field: "name" },
  { route: ADMIN_WS, name: "name as a number", body: { name: 5 }, status: 400, field: "name" },
  { route: ADMIN_WS, name: "an unknown field", body: { name: "X", plan: "gold" }, status: 400, field: "plan" },
  {
    route: "POST /api/v1/admin/workspaces/{id}/api-keys",
    name: "an unknown workspace",
    id: "ws_nope",
    status: 404,
    code: "not_found",
  },
  {
    route: "POST /api/v1/admin/workspaces/{id}/api-keys",
    name: "a workspace id with SQL",
    id: SQL_ID,
    status: 404,
    code: "not_found",
  },
  {
    route: "POST /api/v1/admin/workspaces/{id}/api-keys",
    name: "a workspace id of 10 KB",
    id: KB10,
    status: 400,
    field: "id",
  },
  {
    route: "DELETE /api/v1/admin/workspaces/{id}/api-keys/{keyId}",
    name: "an unknown key",
    status: 404,
    code: "not_found",
  },
];

const flow: BadCase[] = [
  { route: "POST /api/v1/sync/inbound", name: "Sync now when not connected", status: 409, code: "not_connected" },
  {
    route: "POST /api/v1/sync/reconcile",
    name: "an unknown object",
    body: { objects: ["Lead", "Campaign"] },
    status: 400,
    field: "objects.1",
  },
  {
    route: "POST /api/v1/sync/reconcile",
    name: "objects not a list",
    body: { objects: "Lead" },
    status: 400,
    field: "objects",
  },
  {
    route: "POST /api/v1/sync/reconcile",
    name: "an unknown field",
    body: { object: "Lead" },
    status: 400,
    field: "object",
  },
  { route: "POST /api/v1/sync/reconcile", name: "when not connected", status: 409, code: "not_connected" },
  { route: "GET /oauth/salesforce/callback", name: "no state", query: "code=abc", status: 400, field: "state" },
  { route: "GET /oauth/salesforce/callback", name: "no code", query: "state=abc.def", status: 400, field: "code" },
  {
    route: "GET /oauth/salesforce/callback",
    name: "a state of 10 KB",
    query: { state: KB10 },
    status: 400,
    field: "state",
  },
  { route: "GET /oauth/salesforce/callback", name: "a forged state", status: 400, code: "invalid_state" },
  {
    route: "POST /api/v1/session/launch",
    name: "no token",
    body: {},
    headers: { origin: "http://localhost" },
    status: 400,
    field: "token",
  },
  {
    route: "POST /api/v1/session/launch",
    name: "a token of 10 KB",
    body: { token: KB10 },
    headers: { origin: "http://localhost" },
    status: 400,
    field: "token",
  },
  {
    route: "POST /api/v1/session/launch",
    name: "an unknown token",
    headers: { origin: "http://localhost" },
    status: 401,
    code: "unauthorized",
  },
  {
    route: "POST /api/v1/session/launch",
    name: "from a page on another origin",
    headers: { origin: "https://attacker.example" },
    status: 403,
    code: "origin_mismatch",
  },
  {
    route: "POST /api/v1/connection/authorize",
    name: "an unknown environment",
    body: { environment: "moon" },
    status: 400,
    field: "environment",
  },
  {
    route: "POST /api/v1/connection/authorize",
    name: "a myDomain that is not text",
    body: { myDomain: 42 },
    status: 400,
    field: "myDomain",
  },
  {
    route: "POST /api/v1/connection/authorize",
    name: "with an API key instead of the page's session",
    status: 403,
    code: "page_session_required",
  },
  { route: "POST /api/v1/session/logout", name: "with an API key", status: 403, code: "page_session_required" },
];

export const BAD_CASES: BadCase[] = [
  ...paging,
  ...settings,
  ...runs,
  ...totals,
  ...records,
  ...contacts,
  ...companies,
  ...batches,
  ...admin,
  ...flow,
];
