export { runOutboundBatch } from "./batch";
export { pushGroup } from "./group";
export { type EntityType, isOutboundChange, type OutboundChangeMessage } from "./message";
export { announceChange, commitChange, type OutboxChange, outboxInsert } from "./outbox";
export { isOutboundRetry, type OutboundRetryMessage, startOutboundRetry } from "./retry";
export { resendWaiting, sweepOutbox } from "./sweep";
