import type { TestProject } from "vitest/node";
import { startFakeOrg } from "./fake-salesforce/server.ts";

/** Starts one fake Salesforce org on 127.0.0.1 for the whole run and hands its URL to the tests. */
export default async function setup(project: TestProject) {
  // Two more origins of the same org: a sandbox login host and a My Domain (see vitest.config.ts).
  const org = await startFakeOrg({ port: 0, aliases: 2 });
  project.provide("fakeOrgUrl", org.url);
  project.provide("fakeOrgAliases", org.aliases);
  return async () => {
    await org.stop();
  };
}
