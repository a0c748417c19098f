import type { TestProject } from "vitest/node";
import { startFakeOrg } from "./fake-salesforce/server.ts";

/** Starts one fake Salesforce org on 127.0.0.1 for the whole run and hands its URL to the tests. */
export default async function setup(project: TestProject) {
  const org = await startFakeOrg({ port: 0 });
  project.provide("fakeOrgUrl", org.url);
  return async () => {
    await org.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    fakeOrgUrl: string;
  }
}
