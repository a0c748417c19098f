import { createRouter } from "../../app";
import { getSyncTotalsHandler } from "./totals.handlers";
import { getSyncTotals } from "./totals.routes";

/** The Overview's 7-day picture. Mount behind requireWorkspace(). */
export function createTotalsRouter() {
  return createRouter().openapi(getSyncTotals, getSyncTotalsHandler);
}
