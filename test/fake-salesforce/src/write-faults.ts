// Faults on writes: answers lost after the write committed (a dropped connection, a 5xx from
// Salesforce or a proxy in front of it), and write calls refused as a whole before anything is written.
import type { CallEntry } from "./calls";
import type { Faults } from "./faults";
import { ApiError, errorResponse } from "./http";
import { objectByName } from "./schema";

/** The next `times` write calls commit, then their answer is lost: cut short (`drop`) or replaced by a 5xx. */
export interface LostAnswers {
  times: number;
  as: "drop" | number;
  /** Only calls that carry this collection operation (create, update, upsert, delete), directly or in a composite. */
  op?: string;
}

/** The next `times` write calls (of `object`, if named) are refused whole: nothing is written. */
export interface RejectWrites {
  times: number;
  object?: string;
  status: number;
  errorCode: string;
  message: string;
}

export function mergeWriteFaults(f: Faults, body: Record<string, any>): void {
  const lost = body.loseAnswers;
  if (lost === null) f.loseAnswers = null;
  else if (lost && typeof lost === "object") {
    const as = lost.as === "drop" ? "drop" : Number.isInteger(lost.as) && lost.as >= 500 ? lost.as : 500;
    f.loseAnswers = {
      times: Math.max(0, Number(lost.times) || 1),
      as,
      ...(typeof lost.op === "string" ? { op: lost.op } : {}),
    };
  }
  const reject = body.rejectWrites;
  if (reject === null) f.rejectWrites = null;
  else if (reject && typeof reject === "object") {
    f.rejectWrites = {
      times: Math.max(0, Number(reject.times) || 1),
      ...(reject.object ? { object: objectByName(String(reject.object))?.name ?? String(reject.object) } : {}),
      status: Number.isInteger(reject.status) ? reject.status : 400,
      errorCode: typeof reject.errorCode === "string" ? reject.errorCode : "JSON_PARSER_ERROR",
      message:
        typeof reject.message === "string"
          ? reject.message
          : "Cannot deserialize instance of boolean from VALUE_STRING value yes or request may be missing a required field",
    };
  }
}

/** Throws the refusal for a write call of `object` while rejectWrites has calls left. */
export function refuseWrite(f: Faults, object: string): void {
  const r = f.rejectWrites;
  if (!r || r.times <= 0 || (r.object && r.object !== object)) return;
  if (--r.times <= 0) f.rejectWrites = null;
  throw new ApiError(r.status, r.errorCode, r.message);
}

const isWrite = (request: Request) => request.method !== "GET" && request.method !== "HEAD";

/**
 * After a write call was processed (and committed), loses its answer while loseAnswers has calls
 * left: `drop` keeps the status and headers but cuts the body short, as a connection reset mid-answer
 * leaves it; a status answers that 5xx instead (500 in Salesforce's error shape, 502/504 as a proxy's page).
 */
export function loseAnswer(
  f: Faults,
  request: Request,
  response: Response,
  body: string,
  logs: CallEntry[],
): Response | null {
  const lost = f.loseAnswers;
  if (!lost || lost.times <= 0 || !isWrite(request) || response.status >= 300) return null;
  if (lost.op && !logs.some((l) => l.op === lost.op)) return null;
  if (--lost.times <= 0) f.loseAnswers = null;
  for (const log of logs) log.lost = lost.as;
  if (lost.as === "drop")
    return new Response(body.slice(0, Math.floor(body.length / 2)), {
      status: response.status,
      headers: response.headers,
    });
  if (lost.as === 500)
    return errorResponse(500, [
      {
        message:
          "An unexpected error occurred. Please include this ErrorId if you contact support: 1839302743-27817 (-1837290384)",
        errorCode: "UNKNOWN_EXCEPTION",
      },
    ]);
  return new Response(`<html><body><h1>${lost.as} Gateway error</h1></body></html>`, {
    status: lost.as,
    headers: { "content-type": "text/html" },
  });
}
