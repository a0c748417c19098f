export { runOutboundBatch } from "./batch";
export { pushGroup } from "./group";
export { type EntityType, isOutboundChange, type OutboundChangeMessage } from "./message";
export {
  commitAndWake,
  commitChange,
  commitChanges,
  differences,
  type OutboxChange,
  outboxInsert,
  outboxInsertForPatch,
  outboxInsertIfOwned,
} from "./outbox";
export { type OutboundRetryMessage, startOutboundRetry } from "./retry";
export { resendWaiting, sweepOutbox } from "./sweep";
