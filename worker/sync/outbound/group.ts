import { eq } from "drizzle-orm";
import { type Db, type ShardEnv, shardDb } from "../../db";
import { connections, workspaces } from "../../db/schema";
import { budgetStatus, openSalesforce, type SalesforceClient } from "../../salesforce";
import { loadSettings } from "../../settings";
import { MAX_ATTEMPTS, retryDelaySeconds, toRunFailure } from "../runs";
import type { CallEnd } from "./call";
import { CLAIM_LIMIT, claimPending, coalescingFor, collapse } from "./claim";
import { executePlan } from "./execute";
import { createsWait } from "./hold";
import { createJournal } from "./journal";
import { createLedger, resolveBatchKey } from "./ledger";
import { loadAndPlan } from "./load";
import type { EntityType } from "./message";
import { RECONNECT_DETAIL, waitForReconnect } from "./reconnect";

export type GroupResult<T = never> =
  | { retryDelaySeconds: number }
  /**
   * `claimed`: the group could be pushed (connected, within budget) and this delivery took what was
   * ready; named rows still pending afterwards were not ready yet, or held by another push.
   * `holdCreates`: creates wait for the new org's backfill (hold.ts), not to be looked at again soon.
   * `full`: the claim took as many as one claim may (CLAIM_LIMIT): the group may have more, ready now.
   */
  | { done: true; claimed: boolean; holdCreates?: boolean; full?: boolean; after?: T };

/**
 * The caller's next read, made while a completed push closes its runs and writes the org's usage:
 * it must not read what those write (runs, API usage), e.g. the group's outbox state after the claim.
 */
export type WhileClosing<T> = (pushed: { holdCreates: boolean; full: boolean }) => Promise<T>;

export interface Group {
  workspaceId: string;
  type: EntityType;
  /** The outbox ids this batch's messages name. */
  outboxIds: string[];
  /** Whether any of them is still unprocessed. */
  pending: boolean;
  /** The most deliveries any of the group's messages has had. */
  attempts: number;
  /** A retry names its own batch key and pushes only its own outbox rows. */
  batchKey?: string;
  onlyIds?: string[];
}

/**
 * Pushes one workspace × object type: claims its pending outbox rows, plans them against the
 * settings, writes them, and closes the group's runs. A redelivered batch resumes its own runs
 * (same batch key, same claim); a batch that was already done does nothing.
 */
export async function pushGroup<T = never>(
  env: ShardEnv,
  group: Group,
  whileClosing?: WhileClosing<T>,
): Promise<GroupResult<T>> {
  const db = shardDb(env);
  // The reads that decide whether and how to push do not depend on one another (the budget and the
  // creates' hold only on the settings): they go at once, so a push costs two round trips before its
  // claim instead of six. Under load each round trip waits its turn behind every other request's.
  const settingsRead = loadSettings(db, group.workspaceId);
  const [batchKey, settings, budget, connection, hold] = await Promise.all([
    group.batchKey ?? resolveBatchKey(db, group.workspaceId, group.type, group.outboxIds, group.pending),
    settingsRead,
    settingsRead.then((s) => budgetStatus(env, group.workspaceId, s.apiDailyBudget)),
    connectionOf(db, group.workspaceId),
    // Its failure is the push's (a retry, below), as when it was read inside the push.
    settingsRead
      .then((s) => createsWait(db, group.workspaceId, group.type, s))
      .then(
        (wait) => ({ wait }),
        (error: unknown) => ({ error }),
      ),
  ]);
  if (!batchKey) return { done: true, claimed: false };
  const ledger = createLedger(db, group.workspaceId, group.type, batchKey);
  let sf: SalesforceClient | null = null;
  let opening: Promise<SalesforceClient> | null = null;
  let flushed: Promise<unknown> | undefined;
  let end: CallEnd = "done";

  // Over budget: leave the rows unclaimed; the sweep sends them again once the pause may be over.
  if (budget.paused) return { done: true, claimed: false };
  // Never connected: there is nowhere to push yet. Needs a reconnect: the admin is told once (one
  // Failed run saying what to do), not at every resend. Either way the rows wait, unclaimed, and go
  // out once Salesforce is connected (the OAuth callback sends them at once).
  // Another org was just connected and records still carry the old org's ids: the rows wait until
  // the unlinking job is done (it sends them then).
  if (!connection || connection.unlinking) return { done: true, claimed: false };
  if (connection.status === "needs_reconnect") {
    await waitForReconnect(db, group.workspaceId, group.type, connection.updatedAt);
    // A retry asked for now cannot happen: its run says why, and its changes wait with the others.
    if (group.batchKey) {
      await ledger.closeLeft({
        status: "failed",
        failureCode: "authentication_failure",
        failureDetail: RECONNECT_DETAIL,
      });
      await ledger.release();
    }
    return { done: true, claimed: false };
  }
  const ctx = {
    db,
    ledger,
    workspaceId: group.workspaceId,
    orgId: connection.orgId,
    integrationUserId: connection.userId,
    journal: createJournal(db, group.workspaceId),
    upsertFields: new Map<string, Promise<string | null>>(),
    // One opening shared by every call; one that failed is tried again by the next call, as before.
    openSf: () =>
      (opening ??= openSalesforce(env, group.workspaceId).then(
        (client) => (sf = client),
        (err: unknown) => {
          opening = null;
          throw err;
        },
      )),
    finalAttempt: group.attempts >= MAX_ATTEMPTS,
  };

  try {
    // After another org was connected, creates wait for its backfill to link records again (hold.ts).
    if ("error" in hold) throw hold.error;
    const holdCreates = hold.wait;
    // One claim: what is ready now. The rest is re-scheduled by the caller, never waited for here.
    const claimed = await claimPending(db, group.workspaceId, group.type, batchKey, {
      onlyIds: group.onlyIds,
      coalescing: coalescingFor(env),
      holdCreates,
    });
    if (claimed.length) {
      // The org opened (its connection read) while the plan loads; a failure to open is the first
      // call's, as before: a plan that makes no call never sees it.
      ctx.openSf().catch(() => undefined);
      const plan = await loadAndPlan(db, group.workspaceId, group.type, settings, collapse(claimed), holdCreates);
      end = await executePlan(ctx, plan);
    }
    // Only a full claim that went through says "more is ready now": one stopped by its call (the org
    // refused us, over its limit) must not be claimed again at once, or it would fail again at queue speed.
    const full = claimed.length >= CLAIM_LIMIT && end === "done";
    // The runs closed, the org's usage written and the caller's next read at once: none reads what
    // another writes. That read failing is not the push's: the caller reads again (and fails as it would).
    const looked = whileClosing?.({ holdCreates, full }).then(
      (after) => ({ after }),
      () => ({}),
    );
    flushed = flushUsage(sf);
    const [, , next] = await Promise.all([ledger.closeLeft({ status: "completed" }), flushed, looked]);
    return { done: true, claimed: true, holdCreates, full, ...next };
  } catch (err) {
    // A call's own failure fails only its run (see pushCall); what reaches here is transient with
    // deliveries left, or not about one call (D1, the plan): then a retry's run, if open, fails.
    const failure = toRunFailure(err);
    if (failure.transient && group.attempts < MAX_ATTEMPTS)
      return { retryDelaySeconds: retryDelaySeconds(env, group.attempts) };
    // Rows not yet pushed stay claimed until the claim lapses; then the sweep sends them again.
    await ledger.closeLeft({ status: "failed", failureCode: failure.code, failureDetail: failure.detail });
    console.error("outbound push failed", group.workspaceId, group.type, failure.code, failure.detail);
    return { done: true, claimed: true };
  } finally {
    // The flush above, if it started (a second one would count its calls again while it is in flight).
    await (flushed ?? flushUsage(sf));
  }
}

const flushUsage = (sf: SalesforceClient | null) => sf?.flushUsage().catch(() => undefined);

/** The workspace's connection, and the org it is unlinking from, if any. */
function connectionOf(db: Db, workspaceId: string) {
  return db
    .select({
      status: connections.status,
      orgId: connections.orgId,
      userId: connections.userId,
      updatedAt: connections.updatedAt,
      unlinking: workspaces.unlinkingOrgId,
    })
    .from(connections)
    .leftJoin(workspaces, eq(workspaces.id, connections.workspaceId))
    .where(eq(connections.workspaceId, workspaceId))
    .get();
}
