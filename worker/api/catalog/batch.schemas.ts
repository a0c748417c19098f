import { z } from "@hono/zod-openapi";
import { BATCH_LIMIT } from "./batch";

/**
 * A bulk write's request and answer for one kind of entity. An item with `id` changes that record
 * (PATCH rules: `patch`); one without creates a record (POST rules: `required` must be given).
 */
export function batchSchemas<Patch extends z.ZodRawShape, Entity extends z.ZodType>(
  name: "Contact" | "Company",
  patch: Patch,
  required: keyof Patch & string,
  entity: Entity,
) {
  const what = name.toLowerCase();
  const item = z
    .object({
      id: z
        .string()
        .min(1)
        .max(100)
        .optional()
        .openapi({
          description: `A ${what} of this workspace to change (PATCH rules); without it the item creates one`,
        }),
      ...patch,
    })
    .strict()
    .superRefine((item, ctx) => {
      const given = item as Record<string, unknown>;
      if (given.id === undefined && given[required] === undefined)
        ctx.addIssue({
          code: "custom",
          path: [required],
          message: `is required for a new ${what} (an item without id)`,
        });
    });
  return {
    batch: z
      .object({ items: z.array(item).min(1).max(BATCH_LIMIT) })
      .strict()
      .openapi(`${name}Batch`, { description: `Up to ${BATCH_LIMIT} creates and changes, written together` }),
    result: z
      .object({ items: z.array(entity) })
      .openapi(`${name}BatchResult`, { description: `Every ${what} after the write, in the items' order` }),
  };
}
