import { env, exports } from "cloudflare:workers";

export const ADMIN = { authorization: "Bearer test-admin-token" };

/** Calls the Worker under test through its real fetch handler. */
export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(new URL(path, "http://localhost"), init));
}

export function jsonInit(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}

/** Provisions a workspace through the admin API; returns its id and a bearer header. */
export async function newWorkspace(name = "Acme") {
  const res = await call("/api/v1/admin/workspaces", jsonInit("POST", { name }, ADMIN));
  if (res.status !== 201) throw new Error(`workspace create failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { workspace: { id: string; name: string }; apiKey: string };
  return { id: body.workspace.id, apiKey: body.apiKey, auth: { authorization: `Bearer ${body.apiKey}` } };
}

export { env };
