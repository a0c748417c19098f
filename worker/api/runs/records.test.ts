import { beforeAll, describe, expect, it } from "vitest";
import { call, newWorkspace } from "../../../test/workers/helpers";
import { type SeedRecord, seedRecords, seedRun } from "../../../test/workers/read-api-seed";

let ws: Awaited<ReturnType<typeof newWorkspace>>;
let inboundId: string;
let outboundId: string;
const statuses = ["success", "success", "skipped", "failed", "success"] as const;

beforeAll(async () => {
  ws = await newWorkspace("Records");
  inboundId = (await seedRun(ws.id, "2026-11-28T10:00:00.000Z")).id;
  // 23 records written out of seq order, with two sharing a seq: the list still walks seq, then insertion.
  const records: SeedRecord[] = Array.from({ length: 23 }, (_, i) => {
    const status = statuses[i % statuses.length]!;
    return {
      key: `00Q5g00000Ab${String(i).padStart(3, "0")}AAA`,
      seq: i === 22 ? 5 : 23 - i,
      status,
      action: status === "success" ? (i % 2 ? "created" : "updated") : null,
      reasonCode: status === "skipped" ? "missing_email" : status === "failed" ? "invalid_timestamp" : null,
      label: `Lead ${i}`,
      changes: status === "success" ? [{ field: "title", from: null, to: "CTO" }] : [],
    };
  });
  await seedRecords(ws.id, inboundId, records);
  outboundId = (
    await seedRun(ws.id, "2026-11-28T11:00:00.000Z", {
      direction: "outbound",
      objectType: "contact",
      salesforceObject: "Contact",
      kind: "push",
    })
  ).id;
  await seedRecords(
    ws.id,
    outboundId,
    [
      {
        status: "failed",
        reasonCode: "validation_rule_failure",
        sfError: {
          statusCode: "FIELD_CUSTOM_VALIDATION_EXCEPTION",
          message: "Phone must have 10 digits",
          fields: ["Phone"],
        },
      },
      { status: "failed", reasonCode: "unknown_error", sfError: { statusCode: "WEIRD", message: "?", fields: [] } },
      { status: "skipped", reasonCode: "no_fields_to_update" },
    ],
    "Contact",
  );
});

async function records(query: string, runId = inboundId) {
  const res = await call(`/api/v1/sync/runs/${runId}/records${query}`, { headers: ws.auth });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { records: any[]; nextCursor: string | null };
}

async function walk(query: string, limit: number) {
  const labels: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await records(`?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ""}`);
    labels.push(...page.records.map((r) => r.label));
    cursor = page.nextCursor;
  } while (cursor);
  return labels;
}

// seq 23 - i for i < 22, and Lead 22 written last with seq 5 (after Lead 18, which also has seq 5).
const bySeq = [...Array.from({ length: 22 }, (_, i) => 21 - i).flatMap((i) => (i === 18 ? [18, 22] : [i]))].map(
  (i) => `Lead ${i}`,
);

describe("GET /api/v1/sync/runs/{id}/records", () => {
  it("lists the run's records in processing order (seq)", async () => {
    const page = await records("?limit=200");
    expect(page.records.map((r) => r.label)).toEqual(bySeq);
    expect(page.nextCursor).toBeNull();
  });

  it("pages with no duplicates or gaps, also through a shared seq", async () => {
    for (const limit of [1, 4, 5, 22, 23]) expect(await walk("", limit)).toEqual(bySeq);
  });

  it.each(["success", "skipped", "failed"] as const)("filters by status=%s", async (status) => {
    const expected = bySeq.filter((label) => statuses[Number(label.split(" ")[1]) % statuses.length] === status);
    expect((await records(`?status=${status}&limit=200`)).records.map((r) => r.label)).toEqual(expected);
    expect(await walk(`&status=${status}`, 2)).toEqual(expected);
  });

  it("gives the OpenAPI document's RunRecord shape with the reason's message and explanation", async () => {
    const all = (await records("?limit=200")).records;
    const skipped = all.find((r) => r.status === "skipped")!;
    expect(Object.keys(skipped).sort()).toEqual(
      [
        "action",
        "changes",
        "conversionId",
        "externalCreatedAt",
        "externalUpdatedAt",
        "id",
        "label",
        "reason",
        "runId",
        "salesforceError",
        "salesforceId",
        "salesforceObject",
        "status",
      ].sort(),
    );
    expect(skipped).toMatchObject({
      runId: inboundId,
      action: null,
      conversionId: null,
      reason: {
        code: "missing_email",
        message: "Missing email address",
        explanation: "The Lead or Contact has no email address. Contacts in Conversion must have an email address.",
      },
      salesforceError: null,
      externalCreatedAt: "2026-01-05T09:00:00.000Z",
      changes: [],
    });
    const failed = all.find((r) => r.status === "failed")!;
    expect(failed.reason).toMatchObject({ code: "invalid_timestamp", message: "Invalid timestamp" });
    const ok = all.find((r) => r.status === "success")!;
    expect(ok).toMatchObject({ reason: null, changes: [{ field: "title", from: null, to: "CTO" }] });
    expect(ok.salesforceId).toMatch(/^00Q5g00000Ab\d{3}AAA$/);
  });

  it("words outbound reasons from the outbound catalogue and keeps Salesforce's error text", async () => {
    const [validation, unknown, skipped] = (await records("", outboundId)).records;
    expect(validation).toMatchObject({
      salesforceObject: "Contact",
      reason: { code: "validation_rule_failure", message: "Validation rule failure" },
      salesforceError: {
        statusCode: "FIELD_CUSTOM_VALIDATION_EXCEPTION",
        message: "Phone must have 10 digits",
        fields: ["Phone"],
      },
    });
    expect(unknown.reason).toMatchObject({
      code: "unknown_error",
      explanation: "An unexpected error occurred while processing the record.",
    });
    expect(skipped.reason).toMatchObject({ code: "no_fields_to_update", message: "No fields to update" });
  });

  it("answers an empty page for a run without records", async () => {
    const empty = await seedRun(ws.id, "2026-11-28T12:00:00.000Z", { status: "in_progress" });
    expect(await records("", empty.id)).toEqual({ records: [], nextCursor: null });
  });
});
