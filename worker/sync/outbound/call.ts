import { commitBatch } from "../../db/commit";
import { parseSalesforceDate } from "../../lib/time";
import { toRunFailure } from "../runs";
import { notePushedVersions } from "./commit";
import { type CreateContext, createExactlyOnce } from "./creates";
import { applyWriteRules, readCurrentValues } from "./current";
import { followUpChanges } from "./follow-up";
import type { Ledger } from "./ledger";
import { writeWithLockRetry } from "./lock-retry";
import { skipRecord, type WriteAnswer, writeRecord } from "./outcome";
import type { Planned, PushObject } from "./plan";

export type Skip = Extract<Planned, { kind: "skip" }>;
export type Write = Extract<Planned, { kind: "write" }>;

export interface PushContext extends CreateContext {
  ledger: Ledger;
  /** The delivery's last attempt: a transient failure now fails its call's run instead of waiting for another. */
  finalAttempt: boolean;
}

/** What a failed call means for the rest of the group: org-wide refusals stop it, others do not. */
export type CallEnd = "done" | "stop";

const STOPS_THE_GROUP = new Set(["authentication_failure", "api_limit_exceeded"]);

const asSkip = (w: Write): Skip => ({
  ...w,
  kind: "skip",
  code: "no_fields_to_update",
  detail: "Salesforce already has values for the fields set to “if empty”",
});

/**
 * One Salesforce call and its run: the write rules' read, the write (creates exactly once), and one
 * D1 batch with the run, its records, the outbox rows it settles and the ids it learned. The call's
 * own outcome decides its run: answered → Completed (records Salesforce rejected are failed records
 * of it); refused or lost as a whole → Failed, with none of its records a success, and its changes
 * left pending to go out again. `skips` (settled without a call) join the run.
 */
export async function pushCall(ctx: PushContext, object: PushObject, writes: Write[], skips: Skip[]): Promise<CallEnd> {
  const first = writes[0] ?? skips[0];
  if (!first) return "done";
  const run = await ctx.ledger.runFor(object, first.change.latestOutboxId, writes.length + skips.length);
  const skipRecords = () => skips.map((s, i) => skipRecord(s, run.firstSeq + i));
  try {
    if (writes.length) {
      const answers = new Map<Write, WriteAnswer>();
      const sf = await ctx.openSf();
      const current = await readCurrentValues(sf, writes);
      const ruled = writes.map((w) => applyWriteRules(w, current));
      const settled = [...skips, ...ruled.filter((w) => !w.fields.length).map(asSkip)];
      const ready = ruled.filter((w) => w.fields.length);
      if (ready.length && ready[0]!.mode === "create") {
        const outcomes = await createExactlyOnce(ctx, sf, object, ready);
        for (const [i, w] of ready.entries()) answers.set(w, outcomes[i]!);
      } else if (ready.length) {
        const payloads = ready.map((w) => ({
          Id: w.salesforceId,
          ...Object.fromEntries(w.fields.map((f) => [f.field, f.value])),
        }));
        const { results, times } = await writeWithLockRetry(sf, object, { kind: "update" }, payloads);
        ready.forEach((w, i) => {
          const result = results[i]!;
          answers.set(w, { result, times: result.id ? times.get(result.id) : undefined });
        });
      }
      const records = [
        ...settled.map((s, i) => skipRecord(s, run.firstSeq + i)),
        ...ready.map((w, i) => writeRecord(w, run.firstSeq + settled.length + i, answers.get(w)!, current)),
      ];
      const created = ready.filter((w) => w.mode === "create");
      const links = created.flatMap((w) => {
        const r = answers.get(w)!.result;
        return r.success && r.id ? [{ entityId: w.entity.id, salesforceId: r.id }] : [];
      });
      const stale = created.filter((w) => answers.get(w)!.adoptedStale);
      const versions = ready.flatMap((w) => {
        const { result, times } = answers.get(w)!;
        const stamp = parseSalesforceDate(times?.modstamp);
        return result.success && result.id && stamp ? [{ entityId: w.entity.id, salesforceId: result.id, stamp }] : [];
      });
      await commitBatch(
        ctx.db,
        ctx.ledger.commit(
          run,
          {
            records,
            outboxIds: [...settled, ...ready].flatMap((p) => p.change.outboxIds),
            links,
            also: [
              ...(created.length ? [ctx.journal.settle(created.map((w) => w.entity.id))] : []),
              ...followUpChanges(ctx.db, ctx.workspaceId, stale),
              // After the links: a created record's stamp lands on the entity just linked to it.
              ...(versions.length
                ? [notePushedVersions(ctx.db, object === "Account" ? "company" : "contact", ctx.workspaceId, versions)]
                : []),
            ],
          },
          { status: "completed" },
        ),
      );
      return "done";
    }
    await commitBatch(
      ctx.db,
      ctx.ledger.commit(
        run,
        { records: skipRecords(), outboxIds: skips.flatMap((s) => s.change.outboxIds) },
        { status: "completed" },
      ),
    );
    return "done";
  } catch (err) {
    const failure = toRunFailure(err);
    if (failure.transient && !ctx.finalAttempt) throw err;
    // The batch could not be processed as a whole: its changes stay pending (claimed until the claim
    // lapses, then sent again); records settled without a call are still reported.
    const stop = STOPS_THE_GROUP.has(failure.code);
    await commitBatch(ctx.db, [
      ...ctx.ledger.commit(
        run,
        { records: skipRecords(), outboxIds: skips.flatMap((s) => s.change.outboxIds) },
        { status: "failed", failureCode: failure.code, failureDetail: failure.detail },
      ),
      // Waiting for a reconnect, not for time: the changes go out as soon as Salesforce is reconnected.
      ...(failure.code === "authentication_failure" ? [ctx.ledger.release()] : []),
    ]);
    console.error("outbound call failed", ctx.workspaceId, object, failure.code, failure.detail);
    return stop ? "stop" : "done";
  }
}
