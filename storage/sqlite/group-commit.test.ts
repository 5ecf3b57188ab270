// Group commit: a group runs without savepoints first; a write that throws has the group rolled
// back and run again with one savepoint per write, so it fails alone; writes that change memory
// (a lease revoke) never run twice.
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LeaseNotFoundError } from "../errors.ts";
import { bytes, text } from "../keys.ts";
import type { WatchEvent } from "../kv.ts";
import type { Database, Statement } from "./driver.ts";
import { openBunDatabase } from "./driver-bun.ts";
import { GroupCommit } from "./group-commit.ts";
import { openSqliteKV } from "./sqlite-kv.ts";
import type { Writer } from "./writes.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Harness {
  commits: GroupCommit;
  db: Database;
  /** Every statement run through `stmt`, in order. */
  ran: string[];
  published: number[];
  rows(): string[];
  insert(w: Writer, key: string): void;
  close(): void;
}

function harness(): Harness {
  const dir = mkdtempSync(join(tmpdir(), "kt-group-commit-"));
  dirs.push(dir);
  const db = openBunDatabase(join(dir, "db"));
  db.exec("CREATE TABLE t (k TEXT PRIMARY KEY, rev INTEGER NOT NULL)");
  const ran: string[] = [];
  const cache = new Map<string, Statement>();
  const stmt = (sql: string): Statement => {
    let s = cache.get(sql);
    if (!s) {
      const inner = db.prepare(sql);
      s = {
        run: (...p) => {
          ran.push(sql);
          return inner.run(...p);
        },
        get: (...p) => inner.get(...p),
        all: (...p) => inner.all(...p),
      };
      cache.set(sql, s);
    }
    return s;
  };
  let revision = 0;
  const published: number[] = [];
  const commits = new GroupCommit({
    db,
    stmt,
    revision: () => revision,
    setRevision: (rev) => {
      revision = rev;
    },
    closed: () => false,
    publish: (_events: WatchEvent[], rev) => published.push(rev),
  });
  return {
    commits,
    db,
    ran,
    published,
    rows: () =>
      stmt("SELECT k, rev FROM t ORDER BY k")
        .all()
        .map((r) => `${r.k}@${r.rev}`),
    insert: (w, key) => {
      stmt("INSERT INTO t VALUES (?, ?)").run(key, w.rev);
      w.sub++;
    },
    close: () => db.close(),
  };
}

test("a group whose writes all succeed commits without a savepoint", async () => {
  const h = harness();
  try {
    const revs = await Promise.all(
      ["a", "b", "c"].map((key) =>
        h.commits.enqueue((w) => {
          h.insert(w, key);
          return w.rev;
        }),
      ),
    );
    expect(revs).toEqual([1, 2, 3]);
    expect(h.rows()).toEqual(["a@1", "b@2", "c@3"]);
    expect(h.published).toEqual([1, 2, 3]);
    expect(h.ran.filter((sql) => sql.includes("SAVEPOINT") || sql.includes("RELEASE"))).toEqual([]);
  } finally {
    h.close();
  }
});

test("a write that throws after writing fails alone: the group runs again with savepoints", async () => {
  const h = harness();
  try {
    const runs = { a: 0, b: 0, c: 0 };
    const boom = new Error("boom after a write");
    const results = await Promise.allSettled([
      h.commits.enqueue((w) => {
        runs.a++;
        h.insert(w, "a");
        return w.rev;
      }),
      h.commits.enqueue((w) => {
        runs.b++;
        h.insert(w, "b");
        throw boom;
      }),
      h.commits.enqueue((w) => {
        runs.c++;
        h.insert(w, "c");
        return w.rev;
      }),
    ]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : r.reason))).toEqual([1, boom, 2]);
    // b's row is gone and the revisions have no gap: a at 1, c at 2.
    expect(h.rows()).toEqual(["a@1", "c@2"]);
    expect(h.published).toEqual([1, 2]);
    // The first try stopped at b; the second ran every write, each in a savepoint.
    expect(runs).toEqual({ a: 2, b: 2, c: 1 });
    expect(h.ran.filter((sql) => sql === "SAVEPOINT write")).toHaveLength(3);
    expect(h.ran.filter((sql) => sql === "ROLLBACK TO write")).toHaveLength(1);
  } finally {
    h.close();
  }
});

test("a group holding a write that must not run twice takes savepoints at once", async () => {
  const h = harness();
  try {
    let once = 0;
    const results = await Promise.allSettled([
      h.commits.enqueue((w) => h.insert(w, "a")),
      h.commits.enqueue(
        (w) => {
          once++;
          h.insert(w, "b");
          throw new Error("no");
        },
        { rerunnable: false },
      ),
      h.commits.enqueue((w) => h.insert(w, "c")),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(once).toBe(1);
    expect(h.rows()).toEqual(["a@1", "c@2"]);
    expect(h.ran.filter((sql) => sql === "SAVEPOINT write")).toHaveLength(3);
  } finally {
    h.close();
  }
});

test("a write alone that throws rolls its transaction back", async () => {
  const h = harness();
  try {
    const boom = new Error("alone");
    await expect(
      h.commits.enqueue((w) => {
        h.insert(w, "a");
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(h.rows()).toEqual([]);
    expect(h.published).toEqual([]);
    const b = await h.commits.enqueue((w) => {
      h.insert(w, "b");
      return w.rev;
    });
    expect(b).toBe(1);
  } finally {
    h.close();
  }
});

test("the KV: a txn that fails on its second put leaves nothing of its first, beside writes of its group", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kt-group-commit-kv-"));
  dirs.push(dir);
  const kv = await openSqliteKV({ dataDir: dir });
  try {
    const start = (await kv.range({ key: bytes("/") })).revision;
    const watch = kv.watch({ key: bytes("/"), end: bytes("0") }, { startRevision: start + 1 });
    const results = await Promise.allSettled([
      kv.put(bytes("/a"), bytes("1")),
      kv.txn(
        [],
        [
          { type: "put", key: bytes("/b"), value: bytes("2") },
          { type: "put", key: bytes("/c"), value: bytes("3"), options: { lease: 999 } },
        ],
        [],
      ),
      kv.put(bytes("/d"), bytes("4")),
    ]);
    expect(results[1]?.status).toBe("rejected");
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(LeaseNotFoundError);
    const [a, d] = [results[0], results[2]].map(
      (r) => (r as PromiseFulfilledResult<{ revision: number }>).value,
    );
    expect([a?.revision, d?.revision]).toEqual([start + 1, start + 2]);
    const stored = await kv.range({ key: bytes("/"), end: bytes("0") });
    expect(stored.kvs.map((kv) => `${text(kv.key)}=${text(kv.value)}@${kv.modRevision}`)).toEqual([
      `/a=1@${start + 1}`,
      `/d=4@${start + 2}`,
    ]);
    expect(stored.revision).toBe(start + 2);
    const seen: string[] = [];
    for await (const batch of watch) {
      for (const e of batch.events) seen.push(`${e.type} ${text(e.kv.key)}@${e.kv.modRevision}`);
      if (seen.length >= 2) break;
    }
    watch.close();
    expect(seen).toEqual([`put /a@${start + 1}`, `put /d@${start + 2}`]);
  } finally {
    await kv.close();
  }
});
