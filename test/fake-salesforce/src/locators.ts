// Query cursors. A user can have 10 query cursors open; opening an 11th releases the oldest, whose
// locator then answers INVALID_QUERY_LOCATOR. Tests can also expire them all at once.
import { fixedId } from "./ids";
import type { QueryResult } from "./soql/execute";

export interface Cursor {
  result: QueryResult;
  object: string;
}

export interface Locators {
  open(result: QueryResult): string;
  get(locator: string): Cursor | undefined;
  clear(): void;
  size(): number;
}

export function createLocators(max = 10): Locators {
  const open = new Map<string, Cursor>();
  let serial = 1000;
  return {
    open(result) {
      const id = fixedId("0r8", serial++);
      open.set(id, { result, object: result.def.name });
      while (open.size > max) open.delete(open.keys().next().value!);
      return id;
    },
    get(locator) {
      const c = open.get(locator);
      if (c) {
        // Touching a cursor keeps it from being the oldest.
        open.delete(locator);
        open.set(locator, c);
      }
      return c;
    },
    clear: () => open.clear(),
    size: () => open.size,
  };
}
