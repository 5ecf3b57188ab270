// A write that finds the WAL's write lock taken by another connection of the process (kube's
// checkpointer thread takes it for a moment when it reads the wal-index header while a commit
// writes it) waits and commits instead of failing with SQLITE_BUSY; only a lock held past the
// budget fails. The holder here is a second connection that keeps BEGIN IMMEDIATE open.
import { Database as BunDatabase } from "bun:sqlite";
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytes, prefixRange, text } from "../keys.ts";
import type { WatchEvent } from "../kv.ts";
import { BusyBackoff, whenWritable } from "./busy-retry.ts";
import { type CheckpointResult, type WalCheckpointer, WriteLockBusyError } from "./driver.ts";
import { openBunDatabase } from "./driver-bun.ts";
import { GroupCommit } from "./group-commit.ts";
import { openSqliteKV } from "./sqlite-kv.ts";

const dirs: string[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "kt-busy-"));
  dirs.push(dir);
  return dir;
}

/** A second connection on `path` holding the WAL's write lock until `release`. */
function holdWriteLock(path: string): { release: () => void } {
  const holder = new BunDatabase(path);
  holder.exec("PRAGMA busy_timeout = 0; BEGIN IMMEDIATE");
  let done = false;
  const release = () => {
    if (done) return;
    done = true;
    holder.exec("COMMIT");
    holder.close();
  };
  cleanups.push(release);
  return { release };
}

test("writes while the checkpointer's connection holds the write lock wait for it and commit at consecutive revisions", async () => {
  const dir = tempDir();
  const path = join(dir, "kube.db");
  // A checkpointer that, like SQLite re-reading a torn wal-index header, holds the write lock
  // while its checkpoint runs: the KV's writer is in shared (NORMAL) locking mode meanwhile.
  let held: { release: () => void } | undefined;
  let started!: () => void;
  const running = new Promise<void>((resolve) => {
    started = resolve;
  });
  let finish!: (r: CheckpointResult) => void;
  const checkpointer: WalCheckpointer = {
    checkpoint: () =>
      new Promise((resolve) => {
        held ??= holdWriteLock(path);
        finish = resolve;
        started();
      }),
    close: async () => {},
  };
  const kv = await openSqliteKV({ dataDir: dir, openCheckpointer: () => checkpointer });
  try {
    const value = bytes("v".repeat(100));
    // 250 writes start a background checkpoint.
    await Promise.all(Array.from({ length: 250 }, (_, i) => kv.put(bytes(`/fill/${i}`), value)));
    await running;
    const start = (await kv.range({ key: bytes("/nothing") })).revision;
    const events: WatchEvent[] = [];
    const watch = kv.watch(prefixRange(bytes("/b/")), { startRevision: start + 1 });
    const seen = (async () => {
      for await (const batch of watch) {
        events.push(...batch.events);
        if (events.length >= 5) return;
      }
    })();
    const lone = kv.put(bytes("/b/alone"), bytes("1"));
    await Bun.sleep(20);
    const group = [1, 2, 3].map((i) => kv.put(bytes(`/b/group/${i}`), bytes(String(i))));
    const txn = kv.txn([], [{ type: "put", key: bytes("/b/txn"), value: bytes("t") }], []);
    const lease = kv.leaseGrant(60);
    await Bun.sleep(30);
    held?.release();
    const revs = (await Promise.all([lone, ...group])).map((r) => r.revision);
    expect(revs).toEqual([start + 1, start + 2, start + 3, start + 4]);
    expect((await txn).revision).toBe(start + 5);
    expect((await lease).ttl).toBe(60);
    await seen;
    watch.close();
    expect(events.map((e) => [text(e.kv.key), e.kv.modRevision])).toEqual([
      ["/b/alone", start + 1],
      ["/b/group/1", start + 2],
      ["/b/group/2", start + 3],
      ["/b/group/3", start + 4],
      ["/b/txn", start + 5],
    ]);
    // A compaction's transactions wait for the lock as well.
    held = holdWriteLock(path);
    const compaction = kv.compact(start + 2);
    setTimeout(() => held?.release(), 30);
    await compaction;
    await expect(kv.range({ key: bytes("/b/alone") }, { revision: start + 1 })).rejects.toThrow(/compacted/);
  } finally {
    finish({ log: 0, checkpointed: 0 });
    await kv.close();
  }
});

test("a group fails as database is locked once the lock stays taken past the budget, and later writes commit", async () => {
  const dir = tempDir();
  const path = join(dir, "db");
  const db = openBunDatabase(path);
  cleanups.push(() => db.close());
  db.exec("PRAGMA journal_mode = WAL; CREATE TABLE t (k TEXT PRIMARY KEY)");
  let revision = 0;
  const commits = new GroupCommit({
    db,
    stmt: (sql) => db.prepare(sql),
    revision: () => revision,
    setRevision: (rev) => {
      revision = rev;
    },
    closed: () => false,
    publish: () => {},
    busyBudgetMs: 60,
  });
  const insert = (k: string) =>
    commits.enqueue((w) => {
      db.prepare("INSERT INTO t VALUES (?)").run(k);
      w.sub = 1;
      return w.rev;
    });
  const held = holdWriteLock(path);
  const started = Date.now();
  const failed = await Promise.allSettled([insert("a"), insert("b")]);
  expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  for (const f of failed) {
    expect(f.status).toBe("rejected");
    expect((f as PromiseRejectedResult).reason).toBeInstanceOf(WriteLockBusyError);
    expect(String((f as PromiseRejectedResult).reason)).toMatch(/database is locked/);
  }
  expect(revision).toBe(0);
  held.release();
  expect(await Promise.all([insert("c"), insert("d")])).toEqual([1, 2]);
  expect(
    db
      .prepare("SELECT k FROM t ORDER BY k")
      .all()
      .map((r) => r.k),
  ).toEqual(["c", "d"]);
});

test("the driver tells a taken write lock (nothing ran) from other errors", async () => {
  const path = join(tempDir(), "db");
  const db = openBunDatabase(path);
  cleanups.push(() => db.close());
  db.exec("PRAGMA journal_mode = WAL; CREATE TABLE t (k TEXT PRIMARY KEY)");
  const held = holdWriteLock(path);
  let ran = false;
  expect(() =>
    db.immediate(() => {
      ran = true;
    }),
  ).toThrow(WriteLockBusyError);
  expect(ran).toBe(false);
  held.release();
  // Another error is not a busy one, and whenWritable does not try it again.
  let tries = 0;
  await expect(
    whenWritable(() =>
      db.immediate(() => {
        tries++;
        db.prepare("INSERT INTO nope VALUES (1)").run();
      }),
    ),
  ).rejects.toThrow(/no such table/);
  expect(tries).toBe(1);
});

test("backoff: short pauses first, then the budget ends the run and a new one starts", () => {
  let now = 0;
  const b = new BusyBackoff(100, () => now);
  expect([b.next(), b.next(), b.next(), b.next()]).toEqual([0, 1, 2, 5]);
  now = 99;
  expect(b.next()).toBe(10);
  now = 100;
  expect(b.next()).toBeUndefined();
  expect(b.next()).toBe(0);
  b.reset();
  now = 500;
  expect(b.next()).toBe(0);
  now = 550;
  expect(b.next()).toBe(1);
});
