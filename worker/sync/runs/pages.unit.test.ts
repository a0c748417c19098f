import { describe, expect, it } from "vitest";
import { layoutPages, PAGE_BYTES, PAGE_RECORDS, packRecord } from "./pages";
import type { RunRecordInput } from "./records";

// layoutPages stringifies a page's records together; the stored text and the cut must stay what the
// record-by-record greedy cut gave (the refs already written name pages and slots by it).

/** The cut as it was: each record stringified on its own, a new page at 500 records or past PAGE_BYTES. */
function greedy(records: RunRecordInput[], runObject: string) {
  const pages: { firstSeq: number; lastSeq: number; texts: string[] }[] = [];
  const places: { firstSeq: number; slot: number }[] = [];
  let page: (typeof pages)[number] | null = null;
  let bytes = 0;
  for (const r of records) {
    const text = JSON.stringify(packRecord(r, runObject));
    if (!page || page.texts.length >= PAGE_RECORDS || (page.texts.length && bytes + text.length > PAGE_BYTES)) {
      page = { firstSeq: r.seq, lastSeq: r.seq, texts: [] };
      pages.push(page);
      bytes = 0;
    }
    places.push({ firstSeq: page.firstSeq, slot: page.texts.length });
    page.texts.push(text);
    page.lastSeq = Math.max(page.lastSeq, r.seq);
    bytes += text.length + 1;
  }
  return {
    pages: pages.map((p) => ({ firstSeq: p.firstSeq, lastSeq: p.lastSeq, text: `[${p.texts.join(",")}]` })),
    places,
  };
}

function record(seq: number, changeBytes = 0): RunRecordInput {
  return {
    key: seq % 7 ? `00Q${seq}` : `row-${seq}`,
    seq,
    salesforceId: seq % 7 ? `00Q${seq}` : null,
    salesforceObject: seq % 11 ? "Lead" : "Contact",
    conversionId: seq % 5 ? `ct_${seq}` : null,
    label: `Ada "${seq}" Lovelace é 漢 \u0007`,
    email: seq % 3 ? `ada${seq}@example.com` : null,
    action: seq % 13 ? "created" : null,
    status: seq % 13 ? "success" : "skipped",
    reasonCode: seq % 13 ? null : "missing_email",
    reasonDetail: null,
    externalCreatedAt: "2026-01-15T10:20:30.000Z",
    externalUpdatedAt: "2026-01-15T10:20:30.000Z",
    changes: [
      { field: "email", from: null, to: `ada${seq}@example.com` },
      { field: "title", from: undefined, to: "x".repeat(changeBytes) },
      { field: "amount", from: 1.5, to: true },
    ],
  };
}

describe("layoutPages", () => {
  it.each([
    ["no records", 0, () => 0],
    ["one page", 120, () => 0],
    ["exactly 500", PAGE_RECORDS, () => 0],
    ["full pages and a tail", 2 * PAGE_RECORDS + 17, () => 0],
    ["pages cut by size", 1_300, (seq: number) => (seq % 4 ? 900 : 1)],
    ["a record larger than a page", 40, (seq: number) => (seq === 3 ? 500_000 : 10)],
  ])("%s: the same pages, texts and places as the record-by-record cut", (_, n, bytes) => {
    const records = Array.from({ length: n }, (_, i) => record(i * 2 + 1, bytes(i)));
    const { pages, places } = layoutPages(records, "Lead");
    const want = greedy(records, "Lead");
    expect(pages.map(({ firstSeq, lastSeq, text }) => ({ firstSeq, lastSeq, text }))).toEqual(want.pages);
    expect(places).toEqual(want.places);
    expect(pages.flatMap((p) => p.records)).toEqual(records);
    if (n === 1_300) expect(pages.length).toBeGreaterThan(3);
  });

  // 500 records whose texts joined are exactly PAGE_BYTES long, and one character more.
  it.each([0, 1])("500 records joined PAGE_BYTES + %i long: cut where the record-by-record cut is", (over) => {
    const records = Array.from({ length: PAGE_RECORDS + 5 }, (_, i) => record(i, i < PAGE_RECORDS ? 400 : 1));
    const joined = () =>
      records
        .slice(0, PAGE_RECORDS)
        .reduce((n, r) => n + JSON.stringify(packRecord(r, "Lead")).length, PAGE_RECORDS - 1);
    const short = PAGE_BYTES + over - joined();
    records[PAGE_RECORDS - 1] = record(PAGE_RECORDS - 1, 400 + short);
    expect(joined()).toBe(PAGE_BYTES + over);
    const { pages, places } = layoutPages(records, "Lead");
    const want = greedy(records, "Lead");
    expect(pages.map(({ firstSeq, lastSeq, text }) => ({ firstSeq, lastSeq, text }))).toEqual(want.pages);
    expect(places).toEqual(want.places);
    expect(pages[0]!.records.length).toBe(over ? PAGE_RECORDS - 1 : PAGE_RECORDS);
  });
});
