export { type BatchResult, runInboundBatch } from "./batch";
export { type InboundBatchMessage, isInboundBatch } from "./message";
export {
  dueWorkspaces,
  fanOutPlanning,
  isPlanCycle,
  type PlanCycleMessage,
  type PlanResult,
  planCycle,
} from "./planner";
