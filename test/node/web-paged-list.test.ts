import { describe, expect, it } from "vitest";
import { ApiError } from "../../web/src/api/client";
import { clearList, loadFirstPage, loadNextPage, type Page, pagedList } from "../../web/src/lib/pagedList";

// The one paged-list model behind Sync activity's runs, a run's records and record history: what each
// list shows while its first page loads, after it, and what "Load more" does when the answer comes late
// or not at all. (The pages themselves are driven in Chromium by the browser tests.)

type Item = { id: string; n: number };
const item = (id: string, n = 0): Item => ({ id, n });
const page = (items: Item[], nextCursor: string | null): Page<Item> => ({ items, nextCursor });

/** A request the test answers when it wants; aborts reject as fetch does. */
function deferred(signal?: AbortSignal) {
  let answer!: (p: Page<Item>) => void;
  let fail!: (e: unknown) => void;
  const promise = new Promise<Page<Item>>((res, rej) => {
    answer = res;
    fail = rej;
    signal?.addEventListener("abort", () => rej(new DOMException("aborted", "AbortError")));
  });
  return { promise, answer, fail };
}

describe("the paged-list model", () => {
  it("shows a skeleton, then the first page with its cursor", async () => {
    const list = pagedList<Item>("idle");
    const req = deferred();
    const done = loadFirstPage(list, () => req.promise);
    expect(list.phase.value).toBe("loading");
    req.answer(page([item("a"), item("b")], "c1"));
    await done;
    expect(list.phase.value).toBe("ready");
    expect(list.items.value.map((x) => x.id)).toEqual(["a", "b"]);
    expect(list.cursor.value).toBe("c1");
  });

  it("keeps the shown items while the same query refreshes quietly", async () => {
    const list = pagedList<Item>();
    await loadFirstPage(list, async () => page([item("a")], null));
    const req = deferred();
    const done = loadFirstPage(list, () => req.promise, { keep: true });
    expect(list.phase.value).toBe("ready");
    expect(list.items.value.map((x) => x.id)).toEqual(["a"]);
    req.answer(page([item("b")], null));
    await done;
    expect(list.items.value.map((x) => x.id)).toEqual(["b"]);
  });

  it("a newer first page replaces one in flight; the aborted one is no error", async () => {
    const list = pagedList<Item>();
    let first!: ReturnType<typeof deferred>;
    const old = loadFirstPage(list, (signal) => {
      first = deferred(signal);
      return first.promise;
    });
    await loadFirstPage(list, async () => page([item("new")], null));
    await old;
    expect(list.phase.value).toBe("ready");
    expect(list.error.value).toBeNull();
    expect(list.items.value.map((x) => x.id)).toEqual(["new"]);
  });

  it("shows the API's message when the first page fails", async () => {
    const list = pagedList<Item>();
    await loadFirstPage(list, async () => {
      throw new ApiError(400, "invalid_request", "cursor: must be a cursor from this list");
    });
    expect(list.phase.value).toBe("error");
    expect(list.error.value).toBe("cursor: must be a cursor from this list");
  });

  it("Load more appends the next page, replacing items already shown, until the cursor runs out", async () => {
    const list = pagedList<Item>();
    await loadFirstPage(list, async () => page([item("a"), item("b")], "c1"));
    const asked: string[] = [];
    await loadNextPage(
      list,
      async (cursor) => {
        asked.push(cursor);
        return page([item("b", 1), item("c")], null);
      },
      () => "q",
    );
    expect(asked).toEqual(["c1"]);
    expect(list.items.value).toEqual([item("a"), item("b", 1), item("c")]);
    expect(list.cursor.value).toBeNull();
    await loadNextPage(
      list,
      async () => page([item("d")], null),
      () => "q",
    );
    expect(list.items.value.map((x) => x.id)).toEqual(["a", "b", "c"]);
  });

  it("drops a next page that comes back after the query changed, and asks once while one is loading", async () => {
    const list = pagedList<Item>();
    await loadFirstPage(list, async () => page([item("a")], "c1"));
    let query = "inbound";
    const req = deferred();
    let calls = 0;
    const fetchPage = () => {
      calls++;
      return req.promise;
    };
    const more = loadNextPage(list, fetchPage, () => query);
    expect(list.moreLoading.value).toBe(true);
    await loadNextPage(list, fetchPage, () => query);
    expect(calls).toBe(1);
    query = "outbound";
    req.answer(page([item("x")], "c2"));
    await more;
    expect(list.items.value.map((x) => x.id)).toEqual(["a"]);
    expect(list.cursor.value).toBe("c1");
    expect(list.moreLoading.value).toBe(false);
  });

  it("a failed next page keeps the list and says so beside the button; the next try clears it", async () => {
    const list = pagedList<Item>();
    await loadFirstPage(list, async () => page([item("a")], "c1"));
    await loadNextPage(
      list,
      async () => {
        throw new TypeError("Failed to fetch");
      },
      () => "q",
    );
    expect(list.phase.value).toBe("ready");
    expect(list.items.value.map((x) => x.id)).toEqual(["a"]);
    expect(list.moreError.value).toBe("Conversion could not be reached. Check your connection and try again.");
    await loadNextPage(
      list,
      async () => page([item("b")], null),
      () => "q",
    );
    expect(list.moreError.value).toBeNull();
    expect(list.items.value.map((x) => x.id)).toEqual(["a", "b"]);
  });

  it("clearing stops the load in flight and empties the list", async () => {
    const list = pagedList<Item>();
    let req!: ReturnType<typeof deferred>;
    const done = loadFirstPage(list, (signal) => {
      req = deferred(signal);
      return req.promise;
    });
    clearList(list, "idle");
    await done;
    expect(list.phase.value).toBe("idle");
    expect(list.items.value).toEqual([]);
    expect(list.cursor.value).toBeNull();
  });
});
