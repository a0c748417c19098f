export { runInboundBatch, type BatchResult } from "./batch";
export { isInboundBatch, type InboundBatchMessage } from "./message";
export { dueWorkspaces, planCycle, type PlanResult } from "./planner";
