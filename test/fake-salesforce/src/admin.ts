// The fake's own control endpoints under /__fake/ (no auth): reset, faults, the call log, raw
// record access and stats. Documented in README.md; never part of Salesforce's API.

import { createFaults, faultsJson, MAX_LATE_SECONDS, mergeFaults } from "./faults";
import { wireRecord } from "./format";
import { json, readJson } from "./http";
import { normalizeId } from "./ids";
import { advanceClock, convertLead, emptyBin, hardDeleteRecords, mergeRecords } from "./lifecycle";
import { mutate } from "./mutate";
import { identityUrl } from "./oauth";
import { purgeExpired } from "./recycle-bin";
import { changedRow, newRow } from "./rows";
import { type ObjectDef, objectByName } from "./schema";
import { configFromEnv, createOrg, type FakeEnv, type Org, replaceOrg } from "./state";
import { convertValue } from "./validate";
import { softDelete } from "./writes";

const bad = (message: string, status = 400) => json({ error: message }, status);

/** A POST /__fake/faults body, applied now (also used when armed faults fall due). */
export function applyFaults(org: Org, body: Record<string, unknown>) {
  const shots = mergeFaults(org.faults, body);
  if (shots.expireAccessTokens) org.tokens.expireAllAccess();
  if (shots.revokeRefreshTokens) org.tokens.revokeAllRefresh();
  if (shots.expireLocators) org.locators.clear();
  if (shots.advanceClockSeconds) org.clock.advance(shots.advanceClockSeconds * 1000);
  if (shots.mutateNow) {
    const m = shots.mutateNow;
    if (org.store.table(m.object)) mutate(org, m.object, m.count, m.deletes, org.clock.stamp(), "now");
  }
}

function statsJson(org: Org): Record<string, unknown> {
  const counts: Record<string, number> = {};
  const deleted: Record<string, number> = {};
  for (const t of org.store.tables()) {
    const d = t.rows.reduce((n, r) => n + (r.IsDeleted ? 1 : 0), 0);
    counts[t.def.name] = t.rows.length - d;
    deleted[t.def.name] = d;
  }
  const { clientSecret: _secret, ...config } = org.config;
  return {
    counts,
    deleted,
    apiUsage: { used: org.usage.used, max: org.config.dailyLimit },
    openLocators: org.locators.size(),
    tokens: org.tokens.counts(org.clock.now()),
    orgId: org.orgId,
    userId: org.userId,
    config,
  };
}

function reset(env: FakeEnv, body: Record<string, any>): Org {
  const base = configFromEnv(env);
  return replaceOrg(
    createOrg({
      ...base,
      seed: typeof body.seed === "number" ? body.seed : base.seed,
      counts: { ...base.counts, ...(body.counts ?? {}) },
      defects: typeof body.defects === "boolean" ? body.defects : base.defects,
      dailyLimit: typeof body.dailyLimit === "number" ? body.dailyLimit : base.dailyLimit,
      accessTokenTtlMs:
        typeof body.accessTokenTtlSeconds === "number" ? body.accessTokenTtlSeconds * 1000 : base.accessTokenTtlMs,
      conversionIdField: typeof body.conversionIdField === "boolean" ? body.conversionIdField : base.conversionIdField,
      seedEndsSecondsAgo:
        typeof body.seedEndsSecondsAgo === "number" ? Math.max(0, body.seedEndsSecondsAgo) : base.seedEndsSecondsAgo,
    }),
  );
}

// Admin writes trust the caller: read-only fields may be set, nothing but types is checked.
function fieldsOf(def: ObjectDef, input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (k === "attributes" || k.toLowerCase() === "id") continue;
    const f = def.byName.get(k.toLowerCase());
    if (!f) throw new Error(`No such field ${k} on ${def.name}`);
    if (!f.compute)
      out[f.name] = f.type === "reference" && typeof v === "string" ? (normalizeId(v) ?? v) : convertValue(f, v);
  }
  return out;
}

async function records(org: Org, request: Request, url: URL): Promise<Response> {
  if (request.method === "GET") {
    const def = objectByName(url.pathname.split("/")[3] ?? "");
    if (!def) return bad("unknown object", 404);
    const ids = new Set(
      (url.searchParams.get("ids") ?? "")
        .split(",")
        .filter(Boolean)
        .map((i) => normalizeId(i) ?? i),
    );
    const email = url.searchParams.get("email")?.toLowerCase();
    const rows = org.store
      .table(def.name)!
      .rows.filter(
        (r) =>
          (!ids.size || ids.has(r.Id)) &&
          (!email || [r.Email, r.Email__c].some((e) => typeof e === "string" && e.toLowerCase() === email)),
      );
    return json({ totalSize: rows.length, records: rows.map((r) => wireRecord(def, r, "68.0")) });
  }
  const body = (await readJson(request)) as {
    object?: string;
    records?: Record<string, unknown>[];
    ids?: string[];
    lateBySeconds?: number;
    hard?: boolean;
  };
  const def = objectByName(body.object ?? "");
  if (!def) return bad("unknown object");
  const table = org.store.table(def.name)!;
  // lateBySeconds: the write commits now but its transaction started that long ago (a late commit).
  const late = Math.min(MAX_LATE_SECONDS, Math.max(0, Number(body.lateBySeconds) || 0));
  const stamp = org.clock.stamp() - late * 1000;
  try {
    if (request.method === "POST") {
      const ids = (body.records ?? []).map((input) => {
        const values = fieldsOf(def, input);
        if (def.name === "Conversion_Event__c" && !values.Name) values.Name = org.autoNumber(def.name);
        const id = org.ids.next(def.keyPrefix);
        org.store.insert(
          table,
          newRow(def, values, { id, created: stamp, modified: stamp, stamp, userId: org.userId }),
        );
        return id;
      });
      return json({ ids });
    }
    if (request.method === "PATCH") {
      const ids = (body.records ?? []).map((input) => {
        const key = Object.keys(input).find((k) => k.toLowerCase() === "id");
        const row = table.byId.get(normalizeId(String(key ? input[key] : "")) ?? "");
        if (!row) throw new Error(`No ${def.name} with Id ${String(key ? input[key] : "")}`);
        // A late write to a row committed since its transaction began waited for that row's lock:
        // it cannot carry a stamp older than the row's last commit.
        const at = late ? Math.max(stamp, row.SystemModstamp as number) : stamp;
        org.store.replace(table, changedRow(row, fieldsOf(def, input), at, org.userId));
        return row.Id;
      });
      return json({ ids });
    }
    if (request.method === "DELETE" && body.hard === true) {
      const ids = hardDeleteRecords(org, def.name, body.ids ?? []);
      return json({ deleted: ids.length, ids });
    }
    if (request.method === "DELETE") {
      const ids = (body.ids ?? []).map((i) => normalizeId(i) ?? i).filter((i) => table.byId.has(i));
      for (const id of ids) softDelete(org, def, id, stamp);
      return json({ deleted: ids.length, ids });
    }
  } catch (e) {
    return bad((e as Error).message);
  }
  return bad("method not allowed", 405);
}

/** Handles /__fake/*; a malformed admin call answers 400 {error}. */
export async function handleAdmin(org: Org, env: FakeEnv, request: Request, url: URL): Promise<Response> {
  try {
    return await admin(org, env, request, url);
  } catch (e) {
    return bad((e as Error).message);
  }
}

async function admin(org: Org, env: FakeEnv, request: Request, url: URL): Promise<Response> {
  const [, , resource] = url.pathname.split("/");
  const method = request.method;
  purgeExpired(org);
  const body = async () =>
    method === "GET" || method === "DELETE" ? {} : ((await request.json().catch(() => ({}))) as Record<string, any>);
  switch (resource) {
    case "reset":
      if (method !== "POST") break;
      return json(statsJson(reset(env, await body())));
    case "stats":
      return json(statsJson(org));
    case "faults": {
      if (method === "DELETE") {
        org.faults = createFaults();
        return json(faultsJson(org.faults));
      }
      if (method === "POST") {
        applyFaults(org, await body());
      }
      return json(faultsJson(org.faults));
    }
    case "usage": {
      // The rolling 24-hour API usage: {used, hoursAgo?} sets it, {elapseHours} lets time pass for it.
      if (method === "POST") {
        const b = await body();
        if (typeof b.used === "number") org.usage.set(Math.max(0, b.used), Number(b.hoursAgo) || 0);
        if (typeof b.elapseHours === "number") org.usage.elapse(b.elapseHours);
      }
      return json({ used: org.usage.used, max: org.config.dailyLimit });
    }
    case "calls":
      if (method === "DELETE") org.calls.clear();
      return json(org.calls.list());
    case "records":
      return records(org, request, url);
    case "convert-lead":
      if (method === "POST") return json(convertLead(org, await body()));
      break;
    case "merge":
      if (method === "POST") return json(mergeRecords(org, await body()));
      break;
    case "recycle-bin":
      if (method === "DELETE") return json(emptyBin(org, Object.fromEntries(url.searchParams)));
      break;
    case "clock":
      if (method === "POST") return json(advanceClock(org, await body()));
      break;
    case "token": {
      // A token pair without the browser round trip, for tests that only need a session.
      if (method !== "POST") break;
      const issued = org.tokens.issue(org.config.clientId, "api refresh_token", true, org.clock.now());
      return json({
        access_token: issued.access,
        refresh_token: issued.refresh,
        instance_url: url.origin,
        id: identityUrl(org, url.origin),
        token_type: "Bearer",
        issued_at: String(org.clock.now()),
        scope: "api refresh_token",
      });
    }
  }
  return bad(`unknown admin endpoint ${method} ${url.pathname}`, 404);
}
