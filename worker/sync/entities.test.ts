import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newWorkspace } from "../../test/workers/helpers";
import { dbOver } from "../db";
import { commitBatch } from "../db/commit";
import { contacts } from "../db/schema";
import { EntitySet, inJson, loadInto } from "./entities";

const row = (id: string) =>
  env.DB.prepare("SELECT title, phone, first_name, sf_modstamp FROM contacts WHERE id = ?")
    .bind(id)
    .first<{ title: string | null; phone: string | null; first_name: string | null; sf_modstamp: string | null }>();

describe("a page's writes to rows it loaded", () => {
  it("take only the columns D1 still holds as loaded: a write between the load and the commit is kept", async () => {
    const ws = await newWorkspace("Entity merge");
    const db = dbOver(env.DB);
    const id = `ct_${ws.id}_merge`;
    await env.DB.prepare(
      "INSERT INTO contacts (id, workspace_id, email, title, phone, first_name, salesforce_id, sf_modstamp) VALUES (?, ?, 'm@example.com', 'Loaded title', 'Loaded phone', 'Ada', '00Q000000000001AAA', '2026-01-01T00:00:00.000Z')",
    )
      .bind(id, ws.id)
      .run();
    const set = new EntitySet("contacts");
    await loadInto(db, set, ws.id, [inJson(contacts.id, [id])]);
    const loaded = set.byId.get(id)!;
    // The page applies a Salesforce version: new phone and title, a new stamp.
    set.put(
      { ...loaded, phone: "Salesforce phone", title: "Salesforce title", sfModstamp: "2026-01-02T00:00:00.000Z" },
      loaded,
    );
    // Meanwhile an API edit commits the title, and a push notes a newer version.
    await env.DB.prepare(
      "UPDATE contacts SET title = 'Conversion edit', sf_modstamp = '2026-01-03T00:00:00.000Z' WHERE id = ?",
    )
      .bind(id)
      .run();

    await commitBatch(db, set.statements(db));
    expect(await row(id)).toEqual({
      title: "Conversion edit",
      phone: "Salesforce phone",
      first_name: "Ada",
      sf_modstamp: "2026-01-03T00:00:00.000Z",
    });
  });

  it("new rows are inserted and unchanged columns of loaded rows are rewritten as they were", async () => {
    const ws = await newWorkspace("Entity insert");
    const db = dbOver(env.DB);
    const set = new EntitySet("contacts");
    const fresh = {
      id: `ct_${ws.id}_new`,
      workspaceId: ws.id,
      salesforceId: null,
      email: "n@example.com",
      title: "T",
      createdAt: new Date().toISOString(),
    };
    set.put(fresh, null);
    await commitBatch(db, set.statements(db));
    expect(await row(fresh.id)).toMatchObject({ title: "T", phone: null });

    const again = new EntitySet("contacts");
    await loadInto(db, again, ws.id, [inJson(contacts.id, [fresh.id])]);
    const loaded = again.byId.get(fresh.id)!;
    again.put({ ...loaded, phone: "P" }, loaded);
    await commitBatch(db, again.statements(db));
    expect(await row(fresh.id)).toMatchObject({ title: "T", phone: "P" });
  });
});
