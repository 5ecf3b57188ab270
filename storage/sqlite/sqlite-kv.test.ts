// The conformance suite on the SQLite KV, plus what only the SQLite KV promises: persistence
// across reopen, one owner per data dir, clear errors for bad data dirs, bounded watchers.
import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runKvConformance } from "../conformance.ts";
import { StorageError, StoreLockedError, WatchCancelledError } from "../errors.ts";
import { bytes, prefixRange, text } from "../keys.ts";
import type { WalCheckpointer } from "./driver.ts";
import { openSqliteKV } from "./sqlite-kv.ts";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "kt-sqlite-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

runKvConformance("sqlite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kt-sqlite-conf-"));
  const kv = await openSqliteKV({ dataDir: dir, leaseCheckIntervalMs: 100, compactBatch: 2 });
  return {
    kv,
    cleanup: async () => {
      await kv.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe("sqlite KV", () => {
  test("a one-key range (its own query): latest version, absent, deleted, keys only, count, limit", async () => {
    const kv = await openSqliteKV({ dataDir: tempDir() });
    try {
      const lease = await kv.leaseGrant(100);
      await kv.put(bytes("/k"), bytes("v1"));
      await kv.put(bytes("/k0"), bytes("other"));
      const second = await kv.put(bytes("/k"), bytes("v2"), { lease: lease.id });
      const one = await kv.range({ key: bytes("/k") });
      expect(one.kvs.map((x) => [text(x.key), text(x.value), x.version, x.lease, x.modRevision])).toEqual([
        ["/k", "v2", 2, lease.id, second.revision],
      ]);
      expect(one.kvs[0]?.createRevision).toBe(second.revision - 2);
      expect([one.count, one.more, one.revision]).toEqual([1, false, second.revision]);
      const keys = await kv.range({ key: bytes("/k") }, { keysOnly: true, limit: 1 });
      expect(keys.kvs.map((x) => [text(x.key), x.value.length, x.version])).toEqual([["/k", 0, 2]]);
      expect((await kv.range({ key: bytes("/k") }, { countOnly: true })).count).toBe(1);
      expect((await kv.range({ key: bytes("/absent") })).kvs).toEqual([]);
      // An older revision still reads through the log.
      expect(
        text(
          (await kv.range({ key: bytes("/k") }, { revision: second.revision - 1 })).kvs[0]?.value ??
            bytes(""),
        ),
      ).toBe("v1");
      await kv.delete({ key: bytes("/k") });
      const gone = await kv.range({ key: bytes("/k") });
      expect([gone.kvs.length, gone.count]).toEqual([0, 0]);
      // A compare-and-swap on it reads the same row.
      const t = await kv.txn(
        [{ key: bytes("/k0"), target: "version", result: "=", value: 1 }],
        [{ type: "put", key: bytes("/k0"), value: bytes("x") }],
        [],
      );
      expect(t.succeeded).toBe(true);
      expect((await kv.range({ key: bytes("/k0") })).kvs[0]?.version).toBe(2);
    } finally {
      await kv.close();
    }
  });

  test("data survives close and reopen: revision, values, compaction point, leases", async () => {
    const dir = tempDir();
    const kv = await openSqliteKV({ dataDir: dir });
    const lease = await kv.leaseGrant(100);
    await kv.put(bytes("/a"), bytes("1"), { lease: lease.id });
    const last = await kv.put(bytes("/b"), bytes("2"));
    await kv.compact(last.revision - 1);
    await kv.close();
    const again = await openSqliteKV({ dataDir: dir });
    const s = await again.status();
    expect(s.revision).toBe(last.revision);
    expect(s.compactRevision).toBe(last.revision - 1);
    const all = await again.range(prefixRange(bytes("/")));
    expect(all.kvs.map((kv) => `${text(kv.key)}=${text(kv.value)}`)).toEqual(["/a=1", "/b=2"]);
    expect(await again.leases()).toEqual([lease.id]);
    expect((await again.leaseTimeToLive(lease.id)).ttl).toBeGreaterThan(90);
    await again.close();
  });

  test("a second opener of the data dir gets an error naming the holder", async () => {
    const dir = tempDir();
    const kv = await openSqliteKV({ dataDir: dir });
    const child = Bun.spawnSync([
      process.execPath,
      "-e",
      `import { openSqliteKV } from ${JSON.stringify(join(import.meta.dir, "sqlite-kv.ts"))};
       try { await openSqliteKV({ dataDir: ${JSON.stringify(dir)} }); console.log("opened"); }
       catch (e) { console.log(e.name + ": " + e.message); }`,
    ]);
    const out = child.stdout.toString();
    expect(out).toContain("StoreLockedError");
    expect(out).toContain(`process ${process.pid}`);
    expect(out).toContain("--data-dir");
    await kv.close();
  });

  test("after a crash the revision is the log's newest, and a compaction of the newest rows keeps it", async () => {
    const dir = tempDir();
    const child = Bun.spawnSync([
      process.execPath,
      "-e",
      `import { openSqliteKV } from ${JSON.stringify(join(import.meta.dir, "sqlite-kv.ts"))};
       const kv = await openSqliteKV({ dataDir: ${JSON.stringify(dir)} });
       const e = new TextEncoder();
       for (let i = 0; i < 5; i++) await kv.put(e.encode("/k" + i), e.encode("v"));
       const d = await kv.delete({ key: e.encode("/k4") });
       console.log(d.revision);
       process.exit(0);`,
    ]);
    const last = Number(child.stdout.toString().trim());
    expect(last).toBe(7);
    const kv = await openSqliteKV({ dataDir: dir });
    expect((await kv.status()).revision).toBe(last);
    // The tombstone at the newest revision goes with a compaction there; the revision stays.
    await kv.compact(last);
    await kv.close();
    const again = await openSqliteKV({ dataDir: dir });
    expect((await again.status()).revision).toBe(last);
    expect((await again.put(bytes("/next"), bytes("1"))).revision).toBe(last + 1);
    await again.close();
  });

  test("the lock is released on close", async () => {
    const dir = tempDir();
    await (await openSqliteKV({ dataDir: dir })).close();
    const kv = await openSqliteKV({ dataDir: dir });
    await kv.close();
  });

  test("a file that is not a database is reported, not overwritten", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "kube.db"), "this is not sqlite, but it is the user's file".repeat(100));
    let error: unknown;
    try {
      await openSqliteKV({ dataDir: dir });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StorageError);
    expect(error).not.toBeInstanceOf(StoreLockedError);
    expect(String(error)).toContain("not a usable kube database");
    expect(await Bun.file(join(dir, "kube.db")).text()).toStartWith("this is not sqlite");
  });

  test("a watcher that falls behind is cut off and can resume from its last revision", async () => {
    const dir = tempDir();
    const kv = await openSqliteKV({ dataDir: dir, maxWatchPending: 5 });
    const w = kv.watch(prefixRange(bytes("/w/")));
    const fast = kv.watch(prefixRange(bytes("/w/")));
    const fastIt = fast[Symbol.asyncIterator]();
    let fastSeen = 0;
    for (let i = 0; i < 10; i++) {
      await kv.put(bytes(`/w/${i}`), bytes("x"));
      const batch = await fastIt.next();
      fastSeen += batch.done ? 0 : batch.value.events.length;
    }
    expect(fastSeen).toBe(10);
    const it = w[Symbol.asyncIterator]();
    let error: unknown;
    let slowSeen = 0;
    try {
      for (;;) {
        const next = await it.next();
        if (next.done) break;
        slowSeen += next.value.events.length;
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WatchCancelledError);
    expect(slowSeen).toBe(5);
    const resumeFrom = (error as WatchCancelledError).lastRevision + 1;
    const resumed = kv.watch(prefixRange(bytes("/w/")), { startRevision: resumeFrom });
    const first = await resumed[Symbol.asyncIterator]().next();
    expect(first.done).toBe(false);
    expect(slowSeen + (first.value?.events.length ?? 0)).toBe(10);
    resumed.close();
    fast.close();
    await kv.close();
  });

  test("expired leases are revoked by the injected clock", async () => {
    let now = 1_000_000;
    const kv = await openSqliteKV({ dataDir: tempDir(), now: () => now, leaseCheckIntervalMs: 0 });
    const lease = await kv.leaseGrant(10);
    await kv.put(bytes("/l"), bytes("1"), { lease: lease.id });
    now += 9_000;
    expect(await kv.expireLeases()).toBe(0);
    expect((await kv.leaseTimeToLive(lease.id)).ttl).toBe(1);
    now += 1_000;
    expect(await kv.expireLeases()).toBe(1);
    expect((await kv.range({ key: bytes("/l") })).count).toBe(0);
    await kv.close();
  });

  test("compaction removes old rows and tombstones but keeps each key's latest row", async () => {
    const kv = await openSqliteKV({ dataDir: tempDir(), compactBatch: 3 });
    for (let i = 0; i < 20; i++) await kv.put(bytes("/k"), bytes(String(i)));
    await kv.put(bytes("/gone"), bytes("1"));
    await kv.delete({ key: bytes("/gone") });
    const last = await kv.put(bytes("/z"), bytes("1"));
    await kv.compact(last.revision);
    const r = await kv.range(prefixRange(bytes("/")), { revision: last.revision });
    expect(r.kvs.map((x) => text(x.key))).toEqual(["/k", "/z"]);
    expect(text(r.kvs[0]?.value ?? bytes(""))).toBe("19");
    expect(r.kvs[0]?.version).toBe(20);
    await kv.close();
  });

  test("a new store starts at revision 1, as etcd does", async () => {
    const kv = await openSqliteKV({ dataDir: tempDir() });
    expect((await kv.status()).revision).toBe(1);
    expect((await kv.put(bytes("/first"), bytes("1"))).revision).toBe(2);
    await kv.close();
  });

  test("operations after close fail clearly", async () => {
    const kv = await openSqliteKV({ dataDir: tempDir() });
    await kv.close();
    await expect(kv.put(bytes("/a"), bytes("1"))).rejects.toThrow(/store is closed/);
  });

  test("the WAL is checkpointed into the database by the checkpointer thread while writes go on", async () => {
    const dir = tempDir();
    const kv = await openSqliteKV({ dataDir: dir });
    const size = () => statSync(join(dir, "kube.db")).size;
    await kv.put(bytes("/first"), bytes("x"));
    const before = size();
    const value = bytes("v".repeat(2000));
    // SQLite's own checkpoints are off: only the thread's copy makes the database file grow.
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; i < 60; i++) await kv.put(bytes(`/k/${w}/${i}`), value);
      }),
    );
    const deadline = Date.now() + 10_000;
    while (size() <= before && Date.now() < deadline) await Bun.sleep(20);
    expect(size()).toBeGreaterThan(before);
    expect((await kv.range(prefixRange(bytes("/k/")), { countOnly: true })).count).toBe(480);
    await kv.close();
    const again = await openSqliteKV({ dataDir: dir });
    expect((await again.range(prefixRange(bytes("/k/")), { countOnly: true })).count).toBe(480);
    await again.close();
  });

  test("with a checkpointer, commits never checkpoint: only the checkpointer copies the WAL", async () => {
    const dir = tempDir();
    let calls = 0;
    const idle: WalCheckpointer = {
      checkpoint: async () => {
        calls++;
        return { log: 0, checkpointed: 0 };
      },
      close: async () => {},
    };
    const kv = await openSqliteKV({ dataDir: dir, openCheckpointer: () => idle });
    await kv.put(bytes("/first"), bytes("x"));
    const before = statSync(join(dir, "kube.db")).size;
    const value = bytes("v".repeat(2000));
    for (let i = 0; i < 600; i++) await kv.put(bytes(`/k/${i}`), value);
    expect(calls).toBeGreaterThan(0);
    expect(statSync(join(dir, "kube.db")).size).toBe(before);
    await kv.close();
  });

  test("without a checkpointer thread SQLite checkpoints inside commits", async () => {
    const dir = tempDir();
    const kv = await openSqliteKV({ dataDir: dir, openCheckpointer: null });
    const before = statSync(join(dir, "kube.db")).size;
    const value = bytes("v".repeat(2000));
    for (let i = 0; i < 400; i++) await kv.put(bytes(`/k/${i}`), value);
    expect(statSync(join(dir, "kube.db")).size).toBeGreaterThan(before);
    await kv.close();
  });

  test("data files are 0600 whatever the umask and the data dir's mode, and old ones are tightened", async () => {
    const dir = tempDir();
    chmodSync(dir, 0o777);
    const mode = (file: string) => (statSync(join(dir, file)).mode & 0o777).toString(8);
    const umask = process.umask(0);
    try {
      const kv = await openSqliteKV({ dataDir: dir });
      await kv.put(bytes("/secret"), bytes("s3cr3t"));
      expect(existsSync(join(dir, "kube.db-wal"))).toBe(true);
      for (const file of ["kube.db", "kube.db-wal", "kube.db-shm", "kube.lock", "owner"])
        expect([file, mode(file)]).toEqual([file, "600"]);
      await kv.close();
      // A database an older kube left world-readable is made private on the next open.
      chmodSync(join(dir, "kube.db"), 0o644);
      chmodSync(join(dir, "owner"), 0o644);
      const again = await openSqliteKV({ dataDir: dir });
      for (const file of ["kube.db", "owner"]) expect([file, mode(file)]).toEqual([file, "600"]);
      expect(text((await again.range({ key: bytes("/secret") })).kvs[0]?.value ?? bytes(""))).toBe("s3cr3t");
      await again.close();
    } finally {
      process.umask(umask);
    }
  });
});
