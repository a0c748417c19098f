/** Hono's environment for every route: the Worker bindings and what auth middleware resolved. */
export type AppEnv = {
  Bindings: Env;
  Variables: {
    workspaceId: string;
    /** How the caller authenticated: a workspace API key or the page's session cookie. */
    authKind: "api_key" | "session";
  };
};
