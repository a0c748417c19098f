/** Which Conversion object an outbox row is about; each maps to its own Salesforce object(s). */
export type EntityType = "contact" | "company";

/**
 * One outbound queue message = one outbox row. It names the row, never the entity's values: the
 * consumer reads the entity's current state, so a late or repeated message can never push old data.
 */
export interface OutboundChangeMessage {
  type: "outbound_change";
  workspaceId: string;
  outboxId: string;
}

export function outboundChange(workspaceId: string, outboxId: string): OutboundChangeMessage {
  return { type: "outbound_change", workspaceId, outboxId };
}

export function isOutboundChange(body: unknown): body is OutboundChangeMessage {
  const m = body as OutboundChangeMessage;
  return (
    typeof m === "object" &&
    m !== null &&
    m.type === "outbound_change" &&
    typeof m.workspaceId === "string" &&
    typeof m.outboxId === "string"
  );
}
