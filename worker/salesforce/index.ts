export { type BudgetStatus, budgetStatus, budgetStatusRechecked } from "./budget";
export { type BulkJob, type BulkJobState, type BulkResultSet, isBulkUnavailable } from "./bulk";
export { openSalesforce, type SalesforceClient, type SObjectDescribe } from "./client";
export { COLLECTION_LIMIT, type SaveResult } from "./collections";
export type { RecordTimes, WriteAnswer, WriteOp } from "./composite";
export {
  DESCRIBE_MAX_AGE_MS,
  type DescribedField,
  type DescribedObject,
  type DescribeOptions,
  describeCached,
} from "./describe";
export { SalesforceError, type SalesforceFailureCode } from "./errors";
export { backoffMs } from "./http";
export { toSalesforceId18 } from "./id";
export { chooseLoginUrl, environmentOf, type LoginEnvironment, LoginHostError } from "./login-hosts";
export { type Connected, completeAuthorization, createAuthorizeUrl, disconnect } from "./oauth";
export { explainRefusal } from "./oauth-refusals";
export { OAuthFlowError, pruneStates, STATE_TTL_MS } from "./oauth-state";
export type { QueryOptions, QueryPage, SalesforceRecord } from "./query";
export { openToken, sealToken, tokenKeys } from "./sealed-tokens";
export { soqlString } from "./soql";
export { type ConnectionStatus, getConnectionStatus } from "./status";
export { type OrgUsage, parseLimitInfo } from "./usage";
export { SALESFORCE_API_VERSION } from "./version";
