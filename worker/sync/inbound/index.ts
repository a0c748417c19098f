export { runInboundBatch, type BatchResult } from "./batch";
export { isInboundBatch, type InboundBatchMessage } from "./message";
export { dueWorkspaces, fanOutPlanning, isPlanCycle, planCycle, type PlanCycleMessage, type PlanResult } from "./planner";
