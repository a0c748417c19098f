/** Re-fetch a run's failed inbound records by Salesforce id, under a new run of kind "retry". */
export interface InboundRetryMessage {
  type: "inbound_retry";
  workspaceId: string;
  runId: string;
  retryOf: string;
}
