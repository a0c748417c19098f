// Bulk API 2.0 query jobs: created UploadComplete, InProgress while Salesforce runs the query, then
// JobComplete (results ready), Failed or Aborted. The query runs when the job is created and its rows
// are kept as a snapshot (rows are immutable, as for query locators); results are paged by locator.
import { fixedId } from "../ids";
import type { QueryResult } from "../soql/execute";

export type JobState = "UploadComplete" | "InProgress" | "JobComplete" | "Failed" | "Aborted";

export interface QueryJob {
  id: string;
  operation: "query" | "queryAll";
  object: string;
  query: string;
  apiVersion: string;
  columnDelimiter: string;
  lineEnding: "LF" | "CRLF";
  createdAt: number;
  /** The org's time (its clock, which POST /__fake/clock moves) after which the job is gone: 7 days on. */
  expiresAt: number;
  state: JobState;
  /** Wall-clock time (ms) at which the job is JobComplete (the latency model), if it does not fail first. */
  readyAt: number;
  /** Status requests still answered InProgress (the bulk fault pollsUntilComplete). */
  pollsLeft: number;
  /** The job ends Failed with this message instead of JobComplete (the bulk fault failJobs). */
  failWith: string | null;
  errorMessage: string | null;
  result: QueryResult;
}

/** Bulk faults (POST /__fake/faults {bulk: {...}}): what makes Bulk API 2.0 unavailable or jobs go wrong. */
export interface BulkFaults {
  /** Objects the Bulk API does not support: job creation answers 400 INVALIDENTITY. */
  unsupported: Set<string>;
  /** The org has no Bulk API 2.0 for the integration user: /jobs/query answers 404 NOT_FOUND. */
  disabled: boolean;
  /** Each new job stays InProgress for this many status requests. */
  pollsUntilComplete: number;
  /** The next n jobs end Failed with `failMessage`. */
  failJobs: number;
  failMessage: string;
  /** The next n jobs are aborted (by an admin in Setup) once created. */
  abortJobs: number;
  /** Rows per results set when the caller gives no maxRecords. */
  defaultMaxRecords: number;
  /**
   * The next results download ends after this many rows (0: none), as a connection dropped behind a
   * proxy leaves it: a well-formed body, shorter than its Sforce-NumberOfRecords.
   */
  cutResultsAfter: number;
}

export const createBulkFaults = (): BulkFaults => ({
  unsupported: new Set(),
  disabled: false,
  pollsUntilComplete: 0,
  failJobs: 0,
  failMessage: "InternalServerError : Query execution failed. Please retry.",
  abortJobs: 0,
  defaultMaxRecords: 100_000,
  cutResultsAfter: 0,
});

/** Salesforce deletes query jobs 7 days on; their results and locators go with them. */
export const JOB_LIFESPAN_MS = 7 * 86_400_000;

export interface JobStore {
  add(job: Omit<QueryJob, "id">): QueryJob;
  /** The job, unless it was deleted or its 7 days (on the org's clock, `now`) have passed. */
  get(id: string, now: number): QueryJob | undefined;
  delete(id: string): boolean;
  list(now: number): QueryJob[];
  /** Jobs created in the last 24 hours (DailyBulkV2QueryJobs). */
  createdSince(ms: number): number;
}

export function createJobStore(): JobStore {
  const jobs = new Map<string, QueryJob>();
  const created: number[] = [];
  let serial = 7000;
  return {
    add(job) {
      const full = { ...job, id: fixedId("750", serial++) };
      jobs.set(full.id, full);
      created.push(job.createdAt);
      return full;
    },
    get(id, now) {
      const job = jobs.get(id);
      if (job && now >= job.expiresAt) jobs.delete(id);
      return jobs.get(id);
    },
    delete: (id) => jobs.delete(id),
    list(now) {
      for (const [id, job] of jobs) if (now >= job.expiresAt) jobs.delete(id);
      return [...jobs.values()];
    },
    createdSince(ms) {
      while (created.length && created[0]! < ms) created.shift();
      return created.length;
    },
  };
}

/** Moves a job along by time and the status requests it has had; called whenever it is looked at. */
export function advance(job: QueryJob, now: number, polled: boolean): QueryJob {
  if (job.state === "JobComplete" || job.state === "Failed" || job.state === "Aborted") return job;
  if (polled && job.pollsLeft > 0) {
    job.pollsLeft--;
    job.state = "InProgress";
    return job;
  }
  if (now < job.readyAt || job.pollsLeft > 0) {
    job.state = "InProgress";
    return job;
  }
  if (job.failWith) {
    job.state = "Failed";
    job.errorMessage = job.failWith;
  } else job.state = "JobComplete";
  return job;
}

/** Locators are base64 of the row offset, as Salesforce's look ("MTAwMDA" is 10000). */
export function encodeLocator(offset: number): string {
  return btoa(String(offset)).replace(/=+$/, "");
}

export function decodeLocator(locator: string): number | null {
  try {
    const text = atob(locator.padEnd(Math.ceil(locator.length / 4) * 4, "="));
    return /^\d+$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}
