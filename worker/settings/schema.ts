import { z } from "@hono/zod-openapi";
import { MAX_PARALLEL_READS } from "./parallel-reads";

/** Salesforce API names: letters, digits and underscores, starting with a letter. Nothing else reaches SOQL. */
export const salesforceName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,79}$/, "must be a Salesforce API name (letters, digits, underscores)");

export const customObjectName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,39}__c$/, "must be a custom object API name ending in __c");

export const writeModes = ["create_or_update", "update_only", "create_only"] as const;

export const objectSettingsSchema = z.object({
  enabled: z.boolean(),
  writeMode: z.enum(writeModes),
});

export const mappingSchema = z
  .object({
    conversionField: z.string().min(1).max(64),
    salesforceField: salesforceName,
    direction: z.enum(["inbound", "outbound", "both"]),
    writeRule: z.enum(["always", "if_empty", "never"]),
  })
  .openapi("Mapping");

export const syncRuleSchema = z.object({
  object: salesforceName,
  field: salesforceName,
  equals: z.union([z.string().max(255), z.number(), z.boolean(), z.null()]),
});

export const settingsSchema = z
  .object({
    syncIntervalMinutes: z.number().int().min(1).max(1440),
    apiDailyBudget: z.number().int().min(1).nullable(),
    objects: z.record(salesforceName, objectSettingsSchema),
    eventObject: customObjectName,
    syncRules: z.array(syncRuleSchema).max(50),
    outbound: z.object({
      writeLeadsAndContacts: z.boolean(),
      writeAccounts: z.boolean(),
      createLeads: z.boolean(),
    }),
    fieldMappings: z.object({
      contact: z.array(mappingSchema).max(50),
      company: z.array(mappingSchema).max(50),
    }),
    parallelReads: z.number().int().min(1).max(MAX_PARALLEL_READS).optional().openapi({
      description:
        "How many reads a backfill of a large object runs against Salesforce at once, 1 to 5 (1: one read at a time). Each holds one of the 10 open query cursors Salesforce allows a user. GET shows the number in effect: the deployment's default until the workspace saves one.",
    }),
  })
  .openapi("Settings");

export type Settings = z.infer<typeof settingsSchema>;
export type Mapping = z.infer<typeof mappingSchema>;
export type WriteMode = (typeof writeModes)[number];

/** PATCH body: any subset; nested objects merge, arrays replace. Unknown keys are refused. */
export const settingsPatchSchema = z
  .object({
    syncIntervalMinutes: settingsSchema.shape.syncIntervalMinutes.optional(),
    apiDailyBudget: settingsSchema.shape.apiDailyBudget.optional(),
    objects: z.record(salesforceName, objectSettingsSchema.partial().strict()).optional().openapi({
      description:
        "Keys: Account, Lead, Contact, Opportunity, OpportunityContactRole and the event object (eventObject); any other key is a 400",
    }),
    eventObject: customObjectName.optional(),
    syncRules: settingsSchema.shape.syncRules.optional(),
    outbound: settingsSchema.shape.outbound.partial().strict().optional(),
    fieldMappings: settingsSchema.shape.fieldMappings.partial().strict().optional(),
    parallelReads: settingsSchema.shape.parallelReads,
  })
  .strict()
  .openapi("SettingsPatch");
