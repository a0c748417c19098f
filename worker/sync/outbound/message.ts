/** Which Conversion object an outbox row is about; each maps to its own Salesforce object(s). */
export type EntityType = "contact" | "company";

/**
 * One outbound queue message names outbox rows of one workspace, never the entities' values: the
 * consumer reads the entities' current state, so a late or repeated message can never push old data.
 * An API write names its one row (`outboxId`); a bulk write, or a group the consumer re-schedules
 * until it fills a call, names several (`outboxIds`).
 */
export interface OutboundChangeMessage {
  type: "outbound_change";
  workspaceId: string;
  outboxId?: string;
  outboxIds?: string[];
  /** How many times these rows were re-scheduled without being ready (bounded, see batch.ts). */
  round?: number;
}

export function outboundChange(workspaceId: string, outboxId: string): OutboundChangeMessage {
  return { type: "outbound_change", workspaceId, outboxId };
}

export function outboundChanges(workspaceId: string, outboxIds: string[], round?: number): OutboundChangeMessage {
  return { type: "outbound_change", workspaceId, outboxIds, ...(round ? { round } : {}) };
}

/** The outbox rows a message names (none for a malformed one). */
export function outboxIdsOf(m: OutboundChangeMessage): string[] {
  const many = Array.isArray(m.outboxIds) ? m.outboxIds.filter((id): id is string => typeof id === "string") : [];
  return typeof m.outboxId === "string" ? [m.outboxId, ...many] : many;
}

export function isOutboundChange(body: unknown): body is OutboundChangeMessage {
  const m = body as OutboundChangeMessage;
  return (
    typeof m === "object" &&
    m !== null &&
    m.type === "outbound_change" &&
    typeof m.workspaceId === "string" &&
    (typeof m.outboxId === "string" || Array.isArray(m.outboxIds))
  );
}
