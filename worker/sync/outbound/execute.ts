import type { Db } from "../../db";
import { commitBatch } from "../../db/commit";
import { COLLECTION_LIMIT, type SalesforceClient } from "../../salesforce";
import { markProcessed } from "./commit";
import { applyWriteRules, type CurrentValues, readCurrentValues } from "./current";
import type { Ledger } from "./ledger";
import { skipRecord, writeRecord } from "./outcome";
import type { Planned, PushObject } from "./plan";
import { writeWithLockRetry } from "./push";

type Skip = Extract<Planned, { kind: "skip" }>;
type Write = Extract<Planned, { kind: "write" }>;

function byKey<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Skips (and drops) need no Salesforce call: committed together, one run per object. */
async function commitSettled(db: Db, ledger: Ledger, skips: Skip[], drops: Planned[]) {
  const statements: unknown[] = [];
  if (drops.length)
    statements.push(
      markProcessed(
        db,
        drops.flatMap((d) => d.change.outboxIds),
        null,
      ),
    );
  for (const [object, items] of byKey(skips, (s) => s.object)) {
    const { runId, firstSeq } = await ledger.reserve(object as PushObject, items.length);
    const records = items.map((s, i) => skipRecord(s, firstSeq + i));
    statements.push(
      ...ledger.commit(object as PushObject, runId, { records, outboxIds: items.flatMap((s) => s.change.outboxIds) }),
    );
  }
  await commitBatch(db, statements);
}

/** One collection call (plus lock retries) and its commit: records, processed rows, new ids. */
async function pushChunk(db: Db, ledger: Ledger, sf: SalesforceClient, chunk: Write[], current: CurrentValues) {
  const { object, mode } = chunk[0]!;
  const payloads = chunk.map((w) => ({
    ...(mode === "update" ? { Id: w.salesforceId } : {}),
    ...Object.fromEntries(w.fields.map((f) => [f.field, f.value])),
  }));
  const results = await writeWithLockRetry(sf, object, mode, payloads);
  const { runId, firstSeq } = await ledger.reserve(object, chunk.length);
  const records = chunk.map((w, i) => writeRecord(w, firstSeq + i, results[i]!, current));
  const links =
    mode === "create"
      ? chunk.flatMap((w, i) =>
          results[i]!.success && results[i]!.id ? [{ entityId: w.entity.id, salesforceId: results[i]!.id! }] : [],
        )
      : [];
  await commitBatch(
    db,
    ledger.commit(object, runId, { records, outboxIds: chunk.flatMap((w) => w.change.outboxIds), links }),
  );
}

/**
 * Carries out a group's plan: settled records first, then writes per Salesforce object and
 * operation in collection calls of at most 200, each committed as soon as Salesforce answers,
 * so a failure later in the group never loses (or repeats) what was already written.
 */
export async function executePlan(db: Db, ledger: Ledger, plan: Planned[], openSf: () => Promise<SalesforceClient>) {
  const drops = plan.filter((p) => p.kind === "drop");
  const skips = plan.filter((p): p is Skip => p.kind === "skip");
  let writes = plan.filter((p): p is Write => p.kind === "write");
  // Every run this group needs exists before the first Salesforce call, so a failure has a run to show.
  for (const object of new Set([...skips, ...writes].map((p) => p.object))) await ledger.reserve(object, 0);
  await commitSettled(db, ledger, skips, drops);
  if (!writes.length) return;

  const sf = await openSf();
  const current = await readCurrentValues(sf, writes);
  writes = writes.map((w) => applyWriteRules(w, current));
  const nothingLeft = writes.filter((w) => !w.fields.length);
  await commitSettled(
    db,
    ledger,
    nothingLeft.map(
      (w): Skip => ({
        ...w,
        kind: "skip",
        code: "no_fields_to_update",
        detail: "Salesforce already has values for the fields set to “if empty”",
      }),
    ),
    [],
  );
  writes = writes.filter((w) => w.fields.length);

  for (const group of byKey(writes, (w) => `${w.object}|${w.mode}`).values()) {
    for (let i = 0; i < group.length; i += COLLECTION_LIMIT)
      await pushChunk(db, ledger, sf, group.slice(i, i + COLLECTION_LIMIT), current);
  }
}
