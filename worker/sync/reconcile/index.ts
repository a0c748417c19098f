export type { ReconcileMessage } from "./message";
export { reconcilesInProgress, startReconcile } from "./start";
export { runReconcileStep } from "./step";
