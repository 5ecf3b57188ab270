// The conformance suite of the storage contract: one set of etcd-semantics tests run against
// every KV implementation (SQLite, the gRPC front through the client, and a real etcd). Where
// our store and real etcd disagree, real etcd is right. Tests share one store, so each works
// under its own key prefix and reasons about revisions relatively.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { failure, names, scope } from "./conformance-helpers.ts";
import { watchCompactionAndLeaseTests } from "./conformance-watch.ts";
import { FutureRevisionError } from "./errors.ts";
import { bytes, text } from "./keys.ts";
import type { KV } from "./kv.ts";

export interface KvUnderTest {
  kv: KV;
  cleanup: () => Promise<void>;
}

const v = bytes;

export function runKvConformance(name: string, open: () => Promise<KvUnderTest>): void {
  describe(`KV conformance: ${name}`, () => {
    let under: KvUnderTest;
    let kv: KV;
    beforeAll(async () => {
      under = await open();
      kv = under.kv;
    });
    afterAll(async () => {
      await under?.cleanup();
    });

    test("put assigns revisions, versions and create revisions as etcd", async () => {
      const { k } = scope();
      const a = await kv.put(k("a"), v("1"));
      const b = await kv.put(k("a"), v("2"), { prevKv: true });
      expect(b.revision).toBe(a.revision + 1);
      expect(b.prevKv && text(b.prevKv.value)).toBe("1");
      const got = await kv.range({ key: k("a") });
      expect(got.count).toBe(1);
      const kv0 = got.kvs[0];
      expect(kv0 && text(kv0.value)).toBe("2");
      expect(kv0?.createRevision).toBe(a.revision);
      expect(kv0?.modRevision).toBe(b.revision);
      expect(kv0?.version).toBe(2);
      expect(got.revision).toBeGreaterThanOrEqual(b.revision);
    });

    test("range by prefix with limit, count, keys-only, count-only and sort", async () => {
      const { k, all } = scope();
      for (const n of ["c", "a", "b", "d"]) await kv.put(k(n), v(`value-${n}`));
      const full = await kv.range(all);
      expect(names(full.kvs)).toEqual(["a", "b", "c", "d"]);
      expect(full.count).toBe(4);
      expect(full.more).toBe(false);
      const page = await kv.range(all, { limit: 2 });
      expect(names(page.kvs)).toEqual(["a", "b"]);
      expect(page.more).toBe(true);
      expect(page.count).toBe(4);
      const keys = await kv.range(all, { keysOnly: true });
      expect(keys.kvs.every((x) => x.value.length === 0)).toBe(true);
      const counted = await kv.range(all, { countOnly: true });
      expect(counted.kvs).toEqual([]);
      expect(counted.count).toBe(4);
      const desc = await kv.range(all, { sortOrder: "descend", sortTarget: "key", limit: 3 });
      expect(names(desc.kvs)).toEqual(["d", "c", "b"]);
      expect(desc.more).toBe(true);
      const byMod = await kv.range(all, { sortOrder: "descend", sortTarget: "mod" });
      expect(names(byMod.kvs)).toEqual(["d", "b", "a", "c"]);
      const byCreateDefaultOrder = await kv.range(all, { sortTarget: "create" });
      expect(names(byCreateDefaultOrder.kvs)).toEqual(["c", "a", "b", "d"]);
      const from = await kv.range({ key: k("b"), end: k("d") });
      expect(names(from.kvs)).toEqual(["b", "c"]);
      // A single-key range returns that key only, never the keys after it.
      const one = await kv.range({ key: k("b") });
      expect(names(one.kvs)).toEqual(["b"]);
      expect(one.count).toBe(1);
      const missing = await kv.range({ key: k("zzz") });
      expect(missing.kvs).toEqual([]);
      expect(missing.count).toBe(0);
    });

    test("range at a past revision sees the store as it was", async () => {
      const { k, all } = scope();
      const r1 = await kv.put(k("x"), v("1"));
      await kv.put(k("y"), v("1"));
      const r3 = await kv.put(k("x"), v("2"));
      await kv.delete({ key: k("y") });
      const at1 = await kv.range(all, { revision: r1.revision });
      expect(names(at1.kvs)).toEqual(["x"]);
      expect(at1.kvs[0] && text(at1.kvs[0].value)).toBe("1");
      const at3 = await kv.range(all, { revision: r3.revision });
      expect(names(at3.kvs)).toEqual(["x", "y"]);
      expect(at3.kvs[0] && text(at3.kvs[0].value)).toBe("2");
      expect((await kv.range(all, { revision: r3.revision, countOnly: true })).count).toBe(2);
      expect(names((await kv.range(all)).kvs)).toEqual(["x"]);
    });

    test("a range at a future revision fails with FutureRevisionError", async () => {
      const { k } = scope();
      const r = await kv.put(k("f"), v("1"));
      expect(await failure(kv.range({ key: k("f") }, { revision: r.revision + 1000 }))).toBeInstanceOf(
        FutureRevisionError,
      );
    });

    test("delete leaves a tombstone: version resets and re-creation gets a new create revision", async () => {
      const { k, all } = scope();
      const c1 = await kv.put(k("a"), v("1"));
      await kv.put(k("b"), v("1"));
      await kv.put(k("c"), v("1"));
      const del = await kv.delete({ key: k("a"), end: k("c") }, { prevKv: true });
      expect(del.deleted).toBe(2);
      expect(names(del.prevKvs)).toEqual(["a", "b"]);
      expect(del.revision).toBe(c1.revision + 3);
      const none = await kv.delete({ key: k("nothing") });
      expect(none.deleted).toBe(0);
      expect(none.revision).toBe(del.revision);
      const again = await kv.put(k("a"), v("2"));
      const got = (await kv.range({ key: k("a") })).kvs[0];
      expect(got?.createRevision).toBe(again.revision);
      expect(got?.version).toBe(1);
      expect(names((await kv.range(all)).kvs)).toEqual(["a", "c"]);
    });

    test("a transaction writes every key at one revision", async () => {
      const { k } = scope();
      const before = await kv.put(k("seed"), v("0"));
      const t = await kv.txn(
        [],
        [
          { type: "put", key: k("a"), value: v("1") },
          { type: "put", key: k("b"), value: v("1") },
          { type: "delete", key: k("seed") },
          { type: "range", key: k("a") },
        ],
        [],
      );
      expect(t.succeeded).toBe(true);
      expect(t.revision).toBe(before.revision + 1);
      const a = (await kv.range({ key: k("a") })).kvs[0];
      const b = (await kv.range({ key: k("b") })).kvs[0];
      expect(a?.modRevision).toBe(t.revision);
      expect(b?.modRevision).toBe(t.revision);
      const read = t.results[3];
      expect(read?.type === "range" && read.result.kvs.length).toBe(1);
    });

    test("transaction compares on value, version, create and mod revisions", async () => {
      const { k } = scope();
      const p = await kv.put(k("a"), v("x"));
      const eq = await kv.txn(
        [
          { key: k("a"), target: "value", result: "=", value: v("x") },
          { key: k("a"), target: "version", result: "=", value: 1 },
          { key: k("a"), target: "create", result: "=", value: p.revision },
          { key: k("a"), target: "mod", result: "<", value: p.revision + 1 },
        ],
        [{ type: "put", key: k("a"), value: v("y") }],
        [],
      );
      expect(eq.succeeded).toBe(true);
      const ne = await kv.txn(
        [{ key: k("a"), target: "value", result: "=", value: v("x") }],
        [{ type: "put", key: k("a"), value: v("z") }],
        [{ type: "range", key: k("a") }],
      );
      expect(ne.succeeded).toBe(false);
      const r = ne.results[0];
      expect(r?.type === "range" && text(r.result.kvs[0]?.value ?? v(""))).toBe("y");
      // A missing key compares as version 0, create 0, mod 0; a value compare on it fails.
      const missing = await kv.txn(
        [
          { key: k("none"), target: "version", result: "=", value: 0 },
          { key: k("none"), target: "create", result: "=", value: 0 },
        ],
        [],
        [],
      );
      expect(missing.succeeded).toBe(true);
      const missingValue = await kv.txn(
        [{ key: k("none"), target: "value", result: "!=", value: v("q") }],
        [],
        [],
      );
      expect(missingValue.succeeded).toBe(false);
    });

    test("create-if-absent and compare-and-swap on mod revision (the apiserver's write shapes)", async () => {
      const { k } = scope();
      const absent = [{ key: k("o"), target: "mod" as const, result: "=" as const, value: 0 }];
      const created = await kv.txn(
        absent,
        [{ type: "put", key: k("o"), value: v("1") }],
        [{ type: "range", key: k("o") }],
      );
      expect(created.succeeded).toBe(true);
      const dup = await kv.txn(
        absent,
        [{ type: "put", key: k("o"), value: v("2") }],
        [{ type: "range", key: k("o") }],
      );
      expect(dup.succeeded).toBe(false);
      const stale = await kv.txn(
        [{ key: k("o"), target: "mod", result: "=", value: created.revision - 1 }],
        [{ type: "put", key: k("o"), value: v("3") }],
        [{ type: "range", key: k("o") }],
      );
      expect(stale.succeeded).toBe(false);
      const cur = stale.results[0];
      expect(cur?.type === "range" && cur.result.kvs[0]?.modRevision).toBe(created.revision);
      const swapped = await kv.txn(
        [{ key: k("o"), target: "mod", result: "=", value: created.revision }],
        [{ type: "put", key: k("o"), value: v("3") }],
        [],
      );
      expect(swapped.succeeded).toBe(true);
      const deleted = await kv.txn(
        [{ key: k("o"), target: "mod", result: "=", value: swapped.revision }],
        [{ type: "delete", key: k("o"), prevKv: true }],
        [],
      );
      expect(deleted.succeeded).toBe(true);
      const d = deleted.results[0];
      expect(d?.type === "delete" && d.result.deleted).toBe(1);
    });

    test("nested transactions run the branch their compares choose", async () => {
      const { k } = scope();
      await kv.put(k("flag"), v("on"));
      const t = await kv.txn(
        [],
        [
          {
            type: "txn",
            compare: [{ key: k("flag"), target: "value", result: "=", value: v("on") }],
            success: [{ type: "put", key: k("inner"), value: v("yes") }],
            failure: [{ type: "put", key: k("inner"), value: v("no") }],
          },
        ],
        [],
      );
      const inner = t.results[0];
      expect(inner?.type === "txn" && inner.result.succeeded).toBe(true);
      expect(text((await kv.range({ key: k("inner") })).kvs[0]?.value ?? v(""))).toBe("yes");
    });

    test("bad transactions are refused and change nothing", async () => {
      const { k, all } = scope();
      const before = (await kv.range({ key: k("x") })).revision;
      expect(
        String(
          await failure(
            kv.txn(
              [],
              [
                { type: "put", key: k("a"), value: v("1") },
                { type: "put", key: k("a"), value: v("2") },
              ],
              [],
            ),
          ),
        ),
      ).toMatch(/duplicate key/);
      expect(
        String(
          await failure(
            kv.txn(
              [],
              [
                { type: "put", key: k("a"), value: v("1") },
                { type: "delete", ...all },
              ],
              [],
            ),
          ),
        ),
      ).toMatch(/duplicate key/);
      expect(String(await failure(kv.put(new Uint8Array(0), v("1"))))).toMatch(/key is not provided/);
      // A branch of one operation is checked too (it takes a shorter path).
      for (const op of [
        { type: "put", key: new Uint8Array(0), value: v("1") },
        { type: "delete", key: new Uint8Array(0) },
        { type: "range", key: new Uint8Array(0) },
      ] as const) {
        expect(String(await failure(kv.txn([], [], [op])))).toMatch(/key is not provided/);
      }
      expect((await kv.range(all)).count).toBe(0);
      expect((await kv.range({ key: k("x") })).revision).toBe(before);
    });

    watchCompactionAndLeaseTests(() => kv);
  });
}
