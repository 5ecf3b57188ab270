// A data dir of schema 2 (log WITHOUT ROWID keyed (key, rev)) opens in schema 3's layout with
// every row, history and revision intact; a file of a newer schema is refused untouched.
import { Database } from "bun:sqlite";
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StorageError } from "../errors.ts";
import { bytes, prefixRange, text } from "../keys.ts";
import type { WatchEvent } from "../kv.ts";
import { DB_FILE } from "./data-dir.ts";
import { openSqliteKV } from "./sqlite-kv.ts";

// Schema 2's tables as a kube of that schema created them.
const SCHEMA_2 = `
CREATE TABLE log (key BLOB NOT NULL, rev INTEGER NOT NULL, sub INTEGER NOT NULL, value BLOB NOT NULL,
  create_rev INTEGER NOT NULL, prev_rev INTEGER NOT NULL, version INTEGER NOT NULL, lease INTEGER NOT NULL,
  deleted INTEGER NOT NULL, PRIMARY KEY (key, rev)) WITHOUT ROWID;
CREATE INDEX log_rev ON log (rev, sub);
CREATE TABLE head (key BLOB PRIMARY KEY, rev INTEGER NOT NULL, lease INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX head_lease ON head (lease) WHERE lease != 0;
CREATE TABLE lease (id INTEGER PRIMARY KEY, ttl INTEGER NOT NULL);
CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
`;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A data dir holding a schema `schema` file of the old layout: /a created at 2 and updated at 3
 * (with /b in the same transaction), /b deleted at 4, /c created at 5. */
function oldDataDir(schema: number): string {
  const dir = mkdtempSync(join(tmpdir(), "kt-sqlite-migrate-"));
  dirs.push(dir);
  const db = new Database(join(dir, DB_FILE), { create: true, strict: true });
  db.exec("PRAGMA page_size = 8192; PRAGMA journal_mode = WAL;");
  db.exec(SCHEMA_2);
  const rows: [string, number, number, string, number, number, number, number][] = [
    // key, rev, sub, value, create_rev, prev_rev, version, deleted
    ["/a", 2, 0, "a1", 2, 0, 1, 0],
    ["/a", 3, 0, "a2", 2, 2, 2, 0],
    ["/b", 3, 1, "b1", 3, 0, 1, 0],
    ["/b", 4, 0, "", 0, 3, 0, 1],
    ["/c", 5, 0, "c1", 5, 0, 1, 0],
  ];
  for (const [key, rev, sub, value, create, prev, version, deleted] of rows)
    db.run("INSERT INTO log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
      bytes(key),
      rev,
      sub,
      bytes(value),
      create,
      prev,
      version,
      0,
      deleted,
    ]);
  // run(), not a prepared statement: one left unfinalized keeps the file locked after close.
  db.run("INSERT INTO head VALUES (?, 3, 0), (?, 5, 0)", [bytes("/a"), bytes("/c")]);
  db.exec(`INSERT INTO meta VALUES ('schema', ${schema}), ('revision', 5)`);
  db.close();
  return dir;
}

function layout(dir: string): { log: string; schema: unknown; indexes: string[] } {
  const db = new Database(join(dir, DB_FILE), { readonly: true });
  try {
    const log = (db.query("SELECT sql FROM sqlite_master WHERE name = 'log'").get() as { sql: string }).sql;
    const schema = (db.query("SELECT value FROM meta WHERE name = 'schema'").get() as { value: unknown })
      .value;
    const indexes = (
      db
        .query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'log' ORDER BY name")
        .all() as {
        name: string;
      }[]
    ).map((r) => r.name);
    return { log, schema, indexes };
  } finally {
    db.close();
  }
}

const describeEvent = (e: WatchEvent) =>
  `${e.type} ${text(e.kv.key)}@${e.kv.modRevision}=${text(e.kv.value)} prev=${e.prevKv ? `${text(e.prevKv.value)}@${e.prevKv.modRevision}` : "-"}`;

test("a schema 2 file moves to the rowid log: values, history, revisions and new writes", async () => {
  const dir = oldDataDir(2);
  const kv = await openSqliteKV({ dataDir: dir });
  try {
    expect((await kv.status()).revision).toBe(5);
    const all = await kv.range(prefixRange(bytes("/")));
    expect(
      all.kvs.map(
        (k) => `${text(k.key)}=${text(k.value)} c${k.createRevision} m${k.modRevision} v${k.version}`,
      ),
    ).toEqual(["/a=a2 c2 m3 v2", "/c=c1 c5 m5 v1"]);
    expect(text((await kv.range({ key: bytes("/a") })).kvs[0]?.value ?? new Uint8Array())).toBe("a2");
    expect((await kv.range(prefixRange(bytes("/")), { revision: 3 })).kvs.map((k) => text(k.value))).toEqual([
      "a2",
      "b1",
    ]);
    // The history a watch replays, in (rev, sub) order with previous values.
    const watch = kv.watch(prefixRange(bytes("/")), { startRevision: 2, prevKv: true });
    const seen: string[] = [];
    const it = watch[Symbol.asyncIterator]();
    while (seen.length < 5) {
      const batch = await it.next();
      if (batch.done) break;
      seen.push(...batch.value.events.map(describeEvent));
    }
    watch.close();
    expect(seen).toEqual([
      "put /a@2=a1 prev=-",
      "put /a@3=a2 prev=a1@2",
      "put /b@3=b1 prev=-",
      "delete /b@4= prev=b1@3",
      "put /c@5=c1 prev=-",
    ]);
    const put = await kv.put(bytes("/a"), bytes("a3"), { prevKv: true });
    expect(put.revision).toBe(6);
    expect(text(put.prevKv?.value ?? new Uint8Array())).toBe("a2");
    const a = (await kv.range({ key: bytes("/a") })).kvs[0];
    expect([a?.createRevision, a?.modRevision, a?.version]).toEqual([2, 6, 3]);
    await kv.compact(6);
    expect((await kv.range(prefixRange(bytes("/")))).kvs.map((k) => text(k.value))).toEqual(["a3", "c1"]);
  } finally {
    await kv.close();
  }
  const after = layout(dir);
  expect(after.log).not.toMatch(/WITHOUT ROWID/i);
  expect(after.log).toMatch(/id INTEGER PRIMARY KEY/);
  expect(after.schema).toBe(3);
  expect(after.indexes).toEqual(["log_key", "log_rev"]);
  // A second open finds the new layout and changes nothing.
  const again = await openSqliteKV({ dataDir: dir });
  try {
    expect((await again.status()).revision).toBe(6);
    expect((await again.range(prefixRange(bytes("/")))).kvs.map((k) => text(k.value))).toEqual(["a3", "c1"]);
  } finally {
    await again.close();
  }
  expect(layout(dir).log).toBe(after.log);
});

test("a file of a newer schema is refused and left in its layout", async () => {
  const dir = oldDataDir(4);
  const before = layout(dir);
  await expect(openSqliteKV({ dataDir: dir })).rejects.toThrow(StorageError);
  await expect(openSqliteKV({ dataDir: dir })).rejects.toThrow(
    /has schema 4, newer than this kube's 3; upgrade kube/,
  );
  expect(layout(dir)).toEqual(before);
});

test("a new data dir is created in the rowid layout at schema 3", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kt-sqlite-migrate-"));
  dirs.push(dir);
  const kv = await openSqliteKV({ dataDir: dir });
  await kv.put(bytes("/k"), bytes("v"));
  await kv.close();
  const fresh = layout(dir);
  expect(fresh.log).not.toMatch(/WITHOUT ROWID/i);
  expect(fresh.schema).toBe(3);
});
