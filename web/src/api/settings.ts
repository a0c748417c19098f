// GET/PATCH /api/v1/settings and GET /api/v1/settings/catalog (worker/settings, worker/api/settings).

export type WriteMode = "create_or_update" | "update_only" | "create_only";
export type MappingDirection = "inbound" | "outbound" | "both";
export type WriteRule = "always" | "if_empty" | "never";
export type MappingKind = "contact" | "company";

export interface Mapping {
  conversionField: string;
  salesforceField: string;
  direction: MappingDirection;
  writeRule: WriteRule;
}

export interface SyncRule {
  object: string;
  field: string;
  equals: string | number | boolean | null;
}

export interface Settings {
  /** null while the input is empty: the API then says what it needs. */
  syncIntervalMinutes: number | null;
  apiDailyBudget: number | null;
  objects: Record<string, { enabled: boolean; writeMode: WriteMode }>;
  eventObject: string;
  syncRules: SyncRule[];
  outbound: { writeLeadsAndContacts: boolean; writeAccounts: boolean; createLeads: boolean };
  fieldMappings: Record<MappingKind, Mapping[]>;
}

export interface SalesforceField {
  name: string;
  label: string;
  type: string;
  createable: boolean;
  updateable: boolean;
  nillable: boolean;
  picklistValues?: string[];
}

export interface CatalogObject {
  label: string | null;
  fields: SalesforceField[];
  describedAt: string | null;
  error: { code: string; message: string } | null;
}

export interface Catalog {
  conversion: Record<MappingKind, { name: string; label: string }[]>;
  salesforce: {
    available: boolean;
    reason: { code: string; message: string } | null;
    objects: Record<string, CatalogObject>;
  };
}

/** GET /api/v1/settings/push: where Salesforce pushes changes, and the secret it sends. */
export interface PushSettings {
  url: string;
  secret: string | null;
  createdAt: string | null;
  lastUsedAt: string | null;
}
