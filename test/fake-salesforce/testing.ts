// A small HTTP client for tests of the fake org: admin calls, a session, and raw API calls that
// keep status and headers (Salesforce clients hide exactly what these tests check).
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface FakeClient {
  url: string;
  admin<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  /** A fresh access token (POST /__fake/token), remembered for api(). */
  login(): Promise<string>;
  api<T = any>(
    path: string,
    init?: { method?: string; body?: unknown; headers?: Record<string, string>; token?: string | null },
  ): Promise<ApiResponse<T>>;
  query<T = any>(soql: string, opts?: { all?: boolean; batchSize?: number; version?: string }): Promise<ApiResponse<T>>;
}

export function createFakeClient(url: string): FakeClient {
  let token: string | null = null;
  const client: FakeClient = {
    url,
    async admin(method, path, body) {
      const res = await fetch(`${url}/__fake/${path}`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return res.json();
    },
    async login() {
      const t = await client.admin<{ access_token: string }>("POST", "token");
      token = t.access_token;
      return token;
    },
    async api(path, init = {}) {
      const headers: Record<string, string> = { ...(init.headers ?? {}) };
      const bearer = init.token === undefined ? token : init.token;
      if (bearer) headers.authorization = `Bearer ${bearer}`;
      if (init.body !== undefined) headers["content-type"] = "application/json";
      const res = await fetch(path.startsWith("http") ? path : `${url}${path}`, {
        method: init.method ?? "GET",
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
    },
    query(soql, opts = {}) {
      const headers = opts.batchSize ? { "Sforce-Query-Options": `batchSize=${opts.batchSize}` } : undefined;
      return client.api(
        `/services/data/v${opts.version ?? "62.0"}/${opts.all ? "queryAll" : "query"}?q=${encodeURIComponent(soql)}`,
        { headers },
      );
    },
  };
  return client;
}
