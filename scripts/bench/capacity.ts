// Bytes per contact and per run record as the engine stores them (issue 15, capacity on paper):
//
//   node scripts/bench/capacity.ts [--leads=N] [--updates=U]
//
// One app (the committed Worker, its migrations, local D1) backfills N Leads from the fake org (every
// record a create), then U of those Leads change their Title in the fake org and an incremental sync
// reads them (every record an update with one field change). Then SQLite's dbstat (sqlite3 CLI, on a
// copy of the app's D1 file) sizes every table and index: B-tree pages (4 KiB) per row, page overhead
// included. Prints the figures and the per-run payload split; writes nothing else.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleWorker, startApp } from "./app.ts";
import { api, fake, newConnectedWorkspace, onlyObjects, resetOrg, settle } from "./drive.ts";

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const LEADS = arg("leads", 20_000);
const UPDATES = arg("updates", 10_000);

function sqliteFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sqliteFiles(path));
    else if (name.endsWith(".sqlite")) out.push(path);
  }
  return out;
}

function sql(file: string, query: string): string[][] {
  const res = spawnSync("sqlite3", ["-separator", "\t", file, query], { encoding: "utf8" });
  if (res.status !== 0) throw new Error(`sqlite3: ${res.stderr}`);
  return res.stdout
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split("\t"));
}

async function main() {
  bundleWorker();
  const app = await startApp();
  try {
    await resetOrg(app, { Lead: LEADS });
    const ws = await newConnectedWorkspace(app, "capacity", onlyObjects("Lead"));
    await api(app, "/api/v1/sync/inbound", ws.apiKey, { method: "POST" });
    await settle(app, ws.id);
    const { results } = await app.db
      .prepare("SELECT salesforce_id FROM contacts WHERE workspace_id = ? ORDER BY salesforce_id LIMIT ?")
      .bind(ws.id, UPDATES)
      .all<{ salesforce_id: string }>();
    for (let i = 0; i < results.length; i += 1_000)
      await fake(app, "PATCH", "/__fake/records", {
        object: "Lead",
        records: results.slice(i, i + 1_000).map((r, k) => ({ Id: r.salesforce_id, Title: `Changed ${i + k}` })),
      });
    await api(app, "/api/v1/sync/inbound", ws.apiKey, { method: "POST" });
    await settle(app, ws.id);

    const files = sqliteFiles(app.persistDir).filter((f) => !f.includes("metadata"));
    const live = files.sort((a, b) => statSync(b).size - statSync(a).size)[0];
    if (!live) throw new Error(`no D1 file under ${app.persistDir}`);
    const file = join(tmpdir(), `capacity-${Date.now()}.sqlite`);
    // The write-ahead log holds the last writes: copy it beside the file, sqlite3 reads both.
    copyFileSync(live, file);
    if (existsSync(`${live}-wal`)) copyFileSync(`${live}-wal`, `${file}-wal`);

    const count = (q: string) => Number(sql(file, q)[0]![0]);
    const contacts = count(`SELECT count(*) FROM contacts`);
    const runs = count(`SELECT count(*) FROM runs`);
    const rowsKept = count(`SELECT count(*) FROM run_records`);
    const paged = count(`SELECT coalesce(sum(last_seq - first_seq + 1), 0) FROM run_pages`);
    const pageRows = count(`SELECT count(*) FROM run_pages`);
    // Each B-tree (table or index) of the tables a record touches: its 4 KiB pages (pgsize) and payload.
    const trees = sql(
      file,
      `SELECT d.name, coalesce(m.tbl_name, d.name), sum(d.pgsize), sum(d.payload) FROM dbstat d LEFT JOIN sqlite_master m ON m.name = d.name
       GROUP BY d.name ORDER BY 2, 1`,
    ).map(([name, table, pgsize, payload]) => ({
      name: name!,
      table: table!,
      pgsize: Number(pgsize),
      payload: Number(payload),
    }));
    const of = (table: string) => trees.filter((t) => t.table === table);
    const bytes = (table: string) => of(table).reduce((a, t) => a + t.pgsize, 0);
    const perRun = sql(
      file,
      `SELECT r.kind, count(DISTINCT r.id), sum(p.last_seq - p.first_seq + 1), sum(length(p.records)) FROM run_pages p JOIN runs r ON r.id = p.run_id GROUP BY r.kind`,
    );
    const history = sql(
      file,
      `SELECT count(*), sum(length(history)), sum(json_array_length(history)) FROM contacts WHERE history IS NOT NULL`,
    )[0]!;
    const pagesOverhead = bytes("run_pages") / Number(sql(file, "SELECT sum(length(records)) FROM run_pages")[0]![0]);
    const out = {
      leads: LEADS,
      updates: UPDATES,
      contacts,
      runs,
      pageRows,
      recordsInPages: paged,
      runRecordRows: rowsKept,
      trees: Object.fromEntries(
        ["contacts", "run_pages", "run_records", "runs"].map((t) => [
          t,
          of(t).map((x) => `${x.name} ${x.pgsize} B (payload ${x.payload})`),
        ]),
      ),
      bytesPerContact: bytes("contacts") / contacts,
      contactTrees: Object.fromEntries(of("contacts").map((t) => [t.name, t.pgsize / contacts])),
      bytesPerRun: bytes("runs") / runs,
      runPagesBytesOverPayload: pagesOverhead,
      perRunKind: perRun.map(([kind, n, records, payload]) => ({
        kind,
        runs: Number(n),
        records: Number(records),
        payloadPerRecord: Number(payload) / Number(records),
        bytesPerRecord: (Number(payload) / Number(records)) * pagesOverhead,
      })),
      historyRefs: {
        contacts: Number(history[0]),
        refs: Number(history[2]),
        bytesPerRef: (Number(history[1]) - 2 * Number(history[0])) / Number(history[2]),
      },
      file,
    };
    console.log(JSON.stringify(out, null, 2));
  } finally {
    await app.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
