export { type BatchResult, runInboundBatch } from "./batch";
export type { InboundBatchMessage } from "./message";
export {
  dueWorkspaces,
  fanOutPlanning,
  type PlanCycleMessage,
  type PlanResult,
  planCycle,
} from "./planner";
