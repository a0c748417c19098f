import { z } from "@hono/zod-openapi";

const problem = z.object({ code: z.string(), message: z.string() });

const conversionField = z.object({ name: z.string(), label: z.string() });

const salesforceField = z.object({
  name: z.string(),
  label: z.string(),
  type: z.string().openapi({ description: "Salesforce's field type: string, email, boolean, picklist, reference, …" }),
  createable: z.boolean(),
  updateable: z.boolean(),
  nillable: z.boolean(),
  picklistValues: z.array(z.string()).optional(),
});

export const settingsCatalogSchema = z
  .object({
    conversion: z.object({ contact: z.array(conversionField), company: z.array(conversionField) }),
    salesforce: z.object({
      available: z
        .boolean()
        .openapi({ description: "false when the org cannot be read (not connected, needs reconnect)" }),
      reason: problem.nullable().openapi({ description: "Why the org's fields are missing; null when available" }),
      objects: z
        .record(
          z.string(),
          z.object({
            label: z.string().nullable(),
            fields: z.array(salesforceField),
            describedAt: z.string().nullable(),
            error: problem.nullable().openapi({ description: "Salesforce refused this object's describe" }),
          }),
        )
        .openapi({ description: "Per Salesforce object the sync reads, in cycle order; empty when not available" }),
    }),
  })
  .openapi("SettingsCatalog");

export const settingsCatalogQuery = z
  .object({
    refresh: z
      .enum(["true", "false"])
      .optional()
      .openapi({
        param: { name: "refresh", in: "query" },
        description: "true: describe the org again instead of using the cached field lists (up to an hour old)",
      }),
  })
  .strict();
