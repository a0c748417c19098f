import { z } from "@hono/zod-openapi";
import type { events, opportunities } from "../../db/schema";
import { pageQuery } from "../common";
import { instant, nextCursor, recordTimes } from "./fields";

// What inbound sync brought in and only it writes: read-only lists.

export const opportunitySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    stageName: z.string().nullable(),
    amount: z.number().nullable(),
    closeDate: z.string().nullable().openapi({ format: "date", example: "2026-12-31" }),
    companyId: z.string().nullable(),
    salesforceId: z.string().nullable(),
    ...recordTimes,
  })
  .openapi("Opportunity");

export const eventSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    contactId: z.string(),
    occurredAt: instant.nullable(),
    properties: z.record(z.string(), z.unknown()),
    salesforceId: z.string().nullable(),
    ...recordTimes,
  })
  .openapi("Event");

export const catalogListQuery = z.object(pageQuery);
export const opportunityListSchema = z
  .object({ opportunities: z.array(opportunitySchema), nextCursor })
  .openapi("OpportunityList");
export const eventListSchema = z.object({ events: z.array(eventSchema), nextCursor }).openapi("EventList");

export function toApiOpportunity(row: typeof opportunities.$inferSelect): z.infer<typeof opportunitySchema> {
  const { workspaceId: _w, sfModstamp: _s, ...rest } = row;
  return rest;
}

function parseProperties(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text);
    return v && typeof v === "object" && !Array.isArray(v) ? v : {};
  } catch {
    // Stored by inbound sync from validated JSON; a damaged value must still not fail a page.
    return {};
  }
}

export function toApiEvent(row: typeof events.$inferSelect): z.infer<typeof eventSchema> {
  const { workspaceId: _w, sfModstamp: _s, properties, ...rest } = row;
  return { ...rest, properties: parseProperties(properties) };
}
