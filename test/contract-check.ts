// Checks one answer against an OpenAPI 3.1 document: the status must be one its operation documents,
// the media type one that status documents, a JSON body valid against that schema (ajv, JSON Schema
// 2020-12 as OpenAPI 3.1 uses it) and documented headers valid. Pure: the workers tests (contract.ts)
// and the Node tests (the README's curl examples) both use it.

import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";

type Json = Record<string, any>;

export interface Operation {
  method: string;
  /** The document's path template: `/api/v1/sync/runs/{id}`. */
  path: string;
  op: Json;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

export interface Checker {
  doc: Json;
  /** The documented operation a request goes to, or null for a path the document does not have. */
  operation(method: string, url: string): Operation | null;
  /** What in the answer the document does not say; empty when it matches (or the path is not an operation). */
  problems(method: string, url: string, answer: Answer): string[];
}

const pointer = (...parts: string[]) =>
  `openapi.json#/${parts.map((p) => encodeURIComponent(p.replace(/~/g, "~0").replace(/\//g, "~1"))).join("/")}`;

export function createChecker(doc: Json): Checker {
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

  const problems = (method: string, url: string, { status, headers, text }: Answer): string[] => {
    const found = operation(method, url);
    if (!found) return [];
    const responses = (found.op.responses ?? {}) as Json;
    const response = responses[String(status)] ?? responses.default;
    if (!response) return [`status ${status} is not documented (documented: ${Object.keys(responses).join(", ")})`];
    const out: string[] = [];
    const mediaType = (headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    const content = response.content as Json | undefined;
    if (!content) {
      if (text !== "") out.push(`documented without a body, answered ${mediaType || "a body"}`);
    } else if (!content[mediaType]) {
      out.push(`media type '${mediaType}' is not documented (documented: ${Object.keys(content).join(", ")})`);
    } else if (/[/+]json$/.test(mediaType)) {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        out.push("the body is not JSON");
      }
      const validate = validator(
        pointer("paths", found.path, found.method, "responses", String(status), "content", mediaType, "schema"),
      );
      if (body !== undefined && !validate(body)) {
        for (const e of validate.errors ?? [])
          out.push(`body${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
      }
    }
    for (const [name, header] of Object.entries((response.headers ?? {}) as Json)) {
      const value = headers.get(name);
      if (value === null) {
        if (header.required) out.push(`header ${name} is required`);
        continue;
      }
      const type = header.schema?.type;
      const typed = type === "integer" || type === "number" ? Number(value) : value;
      const validate = validator(
        pointer("paths", found.path, found.method, "responses", String(status), "headers", name, "schema"),
      );
      if (!validate(typed)) out.push(`header ${name}: '${value}' ${validate.errors?.[0]?.message}`);
    }
    return out;
  };

  return { doc, operation, problems };
}

/** The check as one error: the operation, the status, every mismatch and the start of the body. */
export function mismatch(checker: Checker, method: string, url: string, answer: Answer): Error | null {
  const found = checker.problems(method, url, answer);
  if (!found.length) return null;
  const op = checker.operation(method, url);
  return new Error(
    `${method.toUpperCase()} ${op?.path} → ${answer.status} does not match the OpenAPI document:\n  ` +
      `${found.join("\n  ")}\n  body: ${answer.text.slice(0, 300)}`,
  );
}
