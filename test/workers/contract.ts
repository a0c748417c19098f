// Checks an answer of the Worker against the published OpenAPI document (GET /api/v1/openapi.json):
// the status must be one its operation documents, the media type one that status documents, the body
// valid against that schema (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses it) and documented headers
// valid. `call()` in helpers.ts runs it on every answer, so every test is also a contract test.

import { exports } from "cloudflare:workers";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";

type Json = Record<string, any>;

export interface Operation {
  method: string;
  /** The document's path template: `/api/v1/sync/runs/{id}`. */
  path: string;
  op: Json;
}

export interface Contract {
  doc: Json;
  /** The documented operation a request goes to, or null for a path the document does not have. */
  operation(method: string, url: string): Operation | null;
  /** Throws, naming the operation, status and every mismatch, unless the answer is what the document says. */
  check(method: string, url: string, res: Response): Promise<void>;
}

const DOC_URL = "http://localhost/api/v1/openapi.json";
const pointer = (...parts: string[]) =>
  `openapi.json#/${parts.map((p) => encodeURIComponent(p.replace(/~/g, "~0").replace(/\//g, "~1"))).join("/")}`;

let loading: Promise<Contract> | null = null;

/** The document, fetched once per test file from the Worker under test. */
export function contract(): Promise<Contract> {
  loading ??= load();
  return loading;
}

async function load(): Promise<Contract> {
  const res = await exports.default.fetch(new Request(DOC_URL));
  if (res.status !== 200) throw new Error(`GET /api/v1/openapi.json answered ${res.status}`);
  const doc = (await res.json()) as Json;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(doc, "openapi.json");
  const validators = new Map<string, ValidateFunction>();
  const validator = (ref: string) => {
    let v = validators.get(ref);
    if (!v) {
      v = ajv.compile({ $ref: ref });
      validators.set(ref, v);
    }
    return v;
  };

  // Literal paths before templated ones, so `/sync/runs/{id}/records.csv` never reads as `{id}`'s records.
  const templates = Object.keys(doc.paths)
    .map((path) => ({
      path,
      re: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`),
    }))
    .sort((a, b) => (a.path.match(/\{/g)?.length ?? 0) - (b.path.match(/\{/g)?.length ?? 0));

  const operation = (method: string, url: string): Operation | null => {
    const pathname = new URL(url, "http://localhost").pathname;
    const m = method.toLowerCase();
    const found = templates.find((t) => t.re.test(pathname) && doc.paths[t.path][m]);
    return found ? { method: m, path: found.path, op: doc.paths[found.path][m] } : null;
  };

  const check = async (method: string, url: string, res: Response) => {
    const found = operation(method, url);
    if (!found) return;
    const what = `${method.toUpperCase()} ${found.path} → ${res.status}`;
    const status = String(res.status);
    const response = found.op.responses?.[status] ?? found.op.responses?.default;
    const text = await res.clone().text();
    const problems: string[] = [];
    if (!response) {
      problems.push(
        `status ${status} is not documented (documented: ${Object.keys(found.op.responses ?? {}).join(", ")})`,
      );
    } else {
      const mediaType = (res.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
      const content = response.content as Json | undefined;
      if (!content) {
        if (text !== "")
          problems.push(`documented without a body, answered ${mediaType || "a body"}: ${text.slice(0, 200)}`);
      } else if (!content[mediaType]) {
        problems.push(`media type '${mediaType}' is not documented (documented: ${Object.keys(content).join(", ")})`);
      } else if (/[/+]json$/.test(mediaType)) {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          problems.push(`not JSON: ${text.slice(0, 200)}`);
        }
        const schemaRef = pointer(
          "paths",
          found.path,
          found.method,
          "responses",
          status,
          "content",
          mediaType,
          "schema",
        );
        const validate = validator(schemaRef);
        if (body !== undefined && !validate(body)) {
          for (const e of validate.errors ?? [])
            problems.push(`body${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
        }
      }
      for (const [name, header] of Object.entries((response.headers ?? {}) as Json)) {
        const value = res.headers.get(name);
        if (value === null) {
          if (header.required) problems.push(`header ${name} is required`);
          continue;
        }
        const schema = header.schema ?? {};
        const typed = schema.type === "integer" || schema.type === "number" ? Number(value) : value;
        const headerRef = pointer("paths", found.path, found.method, "responses", status, "headers", name, "schema");
        const validate = validator(headerRef);
        if (!validate(typed)) problems.push(`header ${name}: '${value}' ${validate.errors?.[0]?.message}`);
      }
    }
    if (problems.length) {
      throw new Error(
        `${what} does not match the OpenAPI document:\n  ${problems.join("\n  ")}\n  body: ${text.slice(0, 300)}`,
      );
    }
  };

  return { doc, operation, check };
}
