import { createRouter } from "../../app";
import { getSyncHealthHandler } from "./health.handlers";
import { getSyncHealth } from "./health.routes";

/** The Recent sync health card. Mount behind requireWorkspace(). */
export function createHealthRouter() {
  return createRouter().openapi(getSyncHealth, getSyncHealthHandler);
}
