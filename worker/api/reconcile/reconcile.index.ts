import { createRouter } from "../../app";
import { startReconcileHandler } from "./reconcile.handlers";
import { startReconcileRoute } from "./reconcile.routes";

/** "Check against Salesforce": reconciliation runs. */
export function createReconcileRouter() {
  return createRouter().openapi(startReconcileRoute, startReconcileHandler);
}
