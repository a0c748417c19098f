// The fake Salesforce org: a Worker speaking the subset of Salesforce's REST and OAuth APIs the
// sync engine uses. See README.md for what it serves and the /__fake/ control endpoints.
import { route } from "./src/router";
import type { FakeEnv } from "./src/state";

export default {
  fetch(request: Request, env: FakeEnv): Promise<Response> {
    return route(request, env);
  },
};
