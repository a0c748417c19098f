export { CsvError, CsvReader, csvRows } from "./csv";
export {
  type BulkJob,
  type BulkJobState,
  type BulkResultSet,
  createBulkQueries,
  isBulkUnavailable,
  recordFromRow,
} from "./query-jobs";
