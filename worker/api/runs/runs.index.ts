import { createRouter } from "../../app";
import * as history from "./history.handlers";
import { recordHistory } from "./history.routes";
import * as handlers from "./runs.handlers";
import * as routes from "./runs.routes";

/** Sync activity reads: runs, a run's records (JSON and CSV) and record history. Mount behind requireWorkspace(). */
export function createRunsRouter() {
  return createRouter()
    .openapi(routes.listRuns, handlers.listRunsHandler)
    .openapi(routes.getRun, handlers.getRunHandler)
    .openapi(routes.listRunRecords, handlers.listRunRecordsHandler)
    .openapi(routes.exportRunRecords, handlers.exportRunRecordsHandler)
    .openapi(recordHistory, history.recordHistoryHandler);
}
