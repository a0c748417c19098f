// The published OpenAPI document of the Worker under test, and the check of an answer against it
// (../contract-check.ts). `call()` in helpers.ts runs it on every answer, so every test is also a
// contract test: an undocumented status or a body off its schema fails it.

import { exports } from "cloudflare:workers";
import { type Checker, createChecker, mismatch } from "../contract-check";

export interface Contract extends Checker {
  /** Throws, naming the operation, status and every mismatch, unless the answer is what the document says. */
  check(method: string, url: string, res: Response): Promise<void>;
}

let loading: Promise<Contract> | null = null;

/** The document, fetched once per test file from the Worker under test. */
export function contract(): Promise<Contract> {
  loading ??= load();
  return loading;
}

async function load(): Promise<Contract> {
  const res = await exports.default.fetch(new Request("http://localhost/api/v1/openapi.json"));
  if (res.status !== 200) throw new Error(`GET /api/v1/openapi.json answered ${res.status}`);
  const checker = createChecker(await res.json());
  return {
    ...checker,
    async check(method, url, res) {
      if (!checker.operation(method, url)) return;
      const error = mismatch(checker, method, url, {
        status: res.status,
        headers: res.headers,
        text: await res.clone().text(),
      });
      if (error) throw error;
    },
  };
}
