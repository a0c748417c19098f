import type { Db } from "../../db";
import { companies, contacts } from "../../db/schema";
import type { Settings } from "../../settings";
import { EntitySet, inJson, loadInto } from "../entities";
import type { EntityChange } from "./claim";
import type { EntityType } from "./message";
import { type Planned, planChange } from "./plan";

/**
 * Loads the current state of every entity the changes name (one query), and for contacts the
 * companies they point at (one more), then plans each change. Reading after the claim means the
 * push carries the newest state: a change committed later has its own outbox row and its own push.
 */
export async function loadAndPlan(
  db: Db,
  workspaceId: string,
  type: EntityType,
  settings: Settings,
  changes: EntityChange[],
  createsWait = false,
): Promise<Planned[]> {
  const table = type === "contact" ? contacts : companies;
  const entities = new EntitySet(type === "contact" ? "contacts" : "companies");
  await loadInto(db, entities, workspaceId, [
    inJson(
      table.id,
      changes.map((c) => c.entityId),
    ),
  ]);
  let related = entities;
  if (type === "contact") {
    related = new EntitySet("companies");
    const ids = [...entities.byId.values()]
      .map((e) => e.companyId)
      .filter((id): id is string => typeof id === "string");
    if (ids.length) await loadInto(db, related, workspaceId, [inJson(companies.id, [...new Set(ids)])]);
  }
  const ctx = {
    type,
    settings,
    entities,
    companies: related,
    createsWait,
  };
  return changes.map((change) => planChange(ctx, change));
}
