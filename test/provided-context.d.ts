// What test/global-setup.ts provides to every test file (inject("fakeOrgUrl")), for both the workerd and the Node tests.
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    fakeOrgUrl: string;
    fakeOrgAliases: string[];
  }
}
