/** Re-fetch a run's failed inbound records by Salesforce id, under a new run of kind "retry". */
export interface InboundRetryMessage {
  type: "inbound_retry";
  workspaceId: string;
  runId: string;
  retryOf: string;
}

export function isInboundRetry(body: unknown): body is InboundRetryMessage {
  const m = body as InboundRetryMessage;
  return (
    typeof m === "object" &&
    m !== null &&
    m.type === "inbound_retry" &&
    typeof m.workspaceId === "string" &&
    typeof m.runId === "string"
  );
}
