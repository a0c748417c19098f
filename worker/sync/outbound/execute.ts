import { commitBatch } from "../../db/commit";
import { COLLECTION_LIMIT } from "../../salesforce";
import { type CallEnd, type PushContext, pushCall, type Skip, type Write } from "./call";
import { markProcessed } from "./commit";
import { releaseHeld } from "./hold";
import type { Planned, PushObject } from "./plan";

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

/** A Salesforce object's writes as calls: per operation, at most 200 records each. */
function callsOf(writes: Write[]): Write[][] {
  const calls: Write[][] = [];
  for (const group of byKey(writes, (w) => w.mode).values()) {
    for (let i = 0; i < group.length; i += COLLECTION_LIMIT) calls.push(group.slice(i, i + COLLECTION_LIMIT));
  }
  return calls;
}

/** The outbox rows of the plan's held creates: pending, under no claim, after the plan is carried out. */
const heldOf = (plan: Planned[]) => plan.flatMap((p) => (p.kind === "hold" ? p.change.outboxIds : []));

/**
 * Carries out a group's plan, one Salesforce call at a time, each with its own run committed as
 * soon as the call is answered (or fails), so a failure later in the group never loses, repeats or
 * recolours what was already written. Records settled without a call join the object's first run
 * (a run of their own when the object has nothing to write); held creates are let go, still pending. Returns "stop" when a call failed in a
 * way every later call would too (authentication, the API limit).
 */
export async function executePlan(ctx: PushContext, plan: Planned[]): Promise<CallEnd> {
  const drops = plan.filter((p) => p.kind === "drop").flatMap((d) => d.change.outboxIds);
  const held = heldOf(plan);
  await commitBatch(ctx.db, [
    ...(drops.length ? [markProcessed(ctx.db, drops, null)] : []),
    ...(held.length ? [releaseHeld(ctx.db, held)] : []),
  ]);
  const settled = plan.filter((p): p is Skip | Write => p.kind === "skip" || p.kind === "write");
  for (const [object, items] of byKey(settled, (p) => p.object)) {
    const skips = items.filter((p): p is Skip => p.kind === "skip");
    const calls = callsOf(items.filter((p): p is Write => p.kind === "write"));
    if (!calls.length) calls.push([]);
    for (const [i, writes] of calls.entries()) {
      if ((await pushCall(ctx, object as PushObject, writes, i === 0 ? skips : [])) === "stop") return "stop";
    }
  }
  return "done";
}
