export { PUSHED_NOTE, runPushCycle } from "./cycle";
export { PUSH_DEBOUNCE_SECONDS, type PushCycleMessage, requestPushCycle } from "./request";
export { checkPushSecret, type PushSecret, readPushSecret, rotatePushSecret } from "./secret";
export { OUTBOUND_MESSAGE_ACK, type OutboundMessage, readOutboundMessage } from "./soap";
