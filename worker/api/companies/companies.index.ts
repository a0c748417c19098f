import { createRouter } from "../../app";
import { batchCompaniesHandler } from "./companies.batch";
import * as handlers from "./companies.handlers";
import * as routes from "./companies.routes";

/** Conversion's companies: reads, and the writes outbound sync pushes as Accounts. Mount behind requireWorkspace(). */
export function createCompaniesRouter() {
  return createRouter()
    .openapi(routes.listCompanies, handlers.listCompaniesHandler)
    .openapi(routes.createCompany, handlers.createCompanyHandler)
    .openapi(routes.batchCompanies, batchCompaniesHandler)
    .openapi(routes.getCompany, handlers.getCompanyHandler)
    .openapi(routes.patchCompany, handlers.patchCompanyHandler)
    .openapi(routes.deleteCompany, handlers.deleteCompanyHandler);
}
