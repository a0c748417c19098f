export { runOutboundBatch } from "./batch";
export { isOutboundChange, type EntityType, type OutboundChangeMessage } from "./message";
export { announceChange, commitChange, outboxInsert, type OutboxChange } from "./outbox";
export { sweepOutbox } from "./sweep";
export { isOutboundRetry, startOutboundRetry, type OutboundRetryMessage } from "./retry";
export { pushGroup } from "./group";
