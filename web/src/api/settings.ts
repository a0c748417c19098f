import type { z } from "@hono/zod-openapi";
import type { pushSettingsSchema } from "../../../worker/api/push/push.routes";
import type { settingsCatalogSchema } from "../../../worker/api/settings/catalog.schemas";
import type { settingsSchema } from "../../../worker/settings/schema";

// GET/PATCH /api/v1/settings and GET /api/v1/settings/catalog (worker/settings, worker/api/settings),
// typed off the worker's zod schemas like api/types.ts.

type ApiSettings = z.output<typeof settingsSchema>;

export type Mapping = ApiSettings["fieldMappings"]["contact"][number];
export type MappingKind = keyof ApiSettings["fieldMappings"];
export type MappingDirection = Mapping["direction"];
export type WriteRule = Mapping["writeRule"];
export type WriteMode = ApiSettings["objects"][string]["writeMode"];
export type SyncRule = ApiSettings["syncRules"][number];

export type Settings = Omit<ApiSettings, "syncIntervalMinutes"> & {
  /** null while the input is empty: the API then says what it needs. */
  syncIntervalMinutes: number | null;
};

export type Catalog = z.output<typeof settingsCatalogSchema>;
export type CatalogObject = Catalog["salesforce"]["objects"][string];
export type SalesforceField = CatalogObject["fields"][number];

/** GET /api/v1/settings/push: where Salesforce pushes changes, and the secret it sends. */
export type PushSettings = z.output<typeof pushSettingsSchema>;
