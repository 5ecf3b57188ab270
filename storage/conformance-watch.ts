// The storage contract's conformance tests for watch, compaction, leases and status: the part of
// runKvConformance (conformance.ts) that follows a store over time rather than one request.
import { expect, test } from "bun:test";
import { collect, failure, names, scope, waitFor } from "./conformance-helpers.ts";
import { CompactedError, FutureRevisionError, LeaseNotFoundError } from "./errors.ts";
import { bytes, text } from "./keys.ts";
import type { KV } from "./kv.ts";

const v = bytes;

/** Registers the tests on the store `current()` returns (opened by the caller's beforeAll). */
export function watchCompactionAndLeaseTests(current: () => KV): void {
  test("watch delivers puts and deletes with previous values, from now or from a past revision", async () => {
    const kv = current();
    const { k, all } = scope();
    const first = await kv.put(k("a"), v("1"));
    const live = kv.watch(all, { prevKv: true });
    // A watch from a past revision replays history first.
    const replay = kv.watch(all, { startRevision: first.revision, prevKv: true });
    await kv.put(k("a"), v("2"));
    await kv.delete({ key: k("a") });
    await kv.put(k("b"), v("z"));
    const got = await collect(live, 3);
    expect(got.map((e) => e.type)).toEqual(["put", "delete", "put"]);
    expect(got[0]?.prevKv && text(got[0].prevKv.value)).toBe("1");
    expect(text(got[0]?.kv.value ?? v(""))).toBe("2");
    expect(got[1]?.prevKv && text(got[1].prevKv.value)).toBe("2");
    expect(got[1]?.kv.modRevision).toBe((got[0]?.kv.modRevision ?? 0) + 1);
    const replayed = await collect(replay, 4);
    expect(replayed.map((e) => e.type)).toEqual(["put", "put", "delete", "put"]);
    expect(replayed[0]?.kv.modRevision).toBe(first.revision);
    expect(replayed[1]?.prevKv && text(replayed[1].prevKv.value)).toBe("1");
    live.close();
    replay.close();
  });

  test("watch on one key ignores others; filters drop event types; abort ends the watch", async () => {
    const kv = current();
    const { k } = scope();
    const controller = new AbortController();
    const one = kv.watch({ key: k("one") }, { filters: ["delete"], signal: controller.signal });
    await kv.put(k("two"), v("x"));
    await kv.put(k("one"), v("x"));
    await kv.delete({ key: k("one") });
    await kv.put(k("one"), v("y"));
    const got = await collect(one, 2);
    expect(got.map((e) => `${e.type}:${text(e.kv.value)}`)).toEqual(["put:x", "put:y"]);
    controller.abort();
    const it = one[Symbol.asyncIterator]();
    await waitFor(async () => (await it.next()).done === true, 5000, "the aborted watch to end");
  });

  test("a watch from a future revision waits for it", async () => {
    const kv = current();
    const { k } = scope();
    const now = await kv.put(k("a"), v("0"));
    const w = kv.watch({ key: k("a") }, { startRevision: now.revision + 2 });
    await kv.put(k("a"), v("1"));
    await kv.put(k("a"), v("2"));
    const got = await collect(w, 1);
    expect(text(got[0]?.kv.value ?? v(""))).toBe("2");
    w.close();
  });

  test("compaction: history below it is gone with a clear error, current state is intact", async () => {
    const kv = current();
    const { k, all } = scope();
    const p1 = await kv.put(k("a"), v("1"));
    await kv.put(k("a"), v("2"));
    await kv.put(k("b"), v("1"));
    await kv.delete({ key: k("b") });
    const p5 = await kv.put(k("c"), v("1"));
    await kv.put(k("a"), v("3"));
    await kv.compact(p5.revision);
    expect(await failure(kv.range(all, { revision: p1.revision }))).toBeInstanceOf(CompactedError);
    expect(await failure(kv.compact(p1.revision))).toBeInstanceOf(CompactedError);
    const now = (await kv.range(all)).revision;
    expect(await failure(kv.compact(now + 100))).toBeInstanceOf(FutureRevisionError);
    const atCompact = await kv.range(all, { revision: p5.revision });
    expect(names(atCompact.kvs)).toEqual(["a", "c"]);
    expect(text(atCompact.kvs[0]?.value ?? v(""))).toBe("2");
    const cur = await kv.range(all);
    expect(names(cur.kvs)).toEqual(["a", "c"]);
    expect(cur.kvs[0]?.version).toBe(3);
    expect(cur.kvs[0]?.createRevision).toBe(p1.revision);
    const w = kv.watch(all, { startRevision: p1.revision });
    expect(await failure(collect(w, 1))).toBeInstanceOf(CompactedError);
    const ok = kv.watch(all, { startRevision: p5.revision + 1 });
    expect((await collect(ok, 1))[0]?.kv.modRevision).toBe(p5.revision + 1);
    ok.close();
  });

  test("leases: keys attached to a revoked lease are deleted at one revision", async () => {
    const kv = current();
    const { k, all } = scope();
    const lease = await kv.leaseGrant(60);
    expect(lease.ttl).toBe(60);
    expect(await kv.leases()).toContain(lease.id);
    await kv.put(k("a"), v("1"), { lease: lease.id });
    await kv.put(k("b"), v("1"), { lease: lease.id });
    await kv.put(k("c"), v("1"));
    expect((await kv.range({ key: k("a") })).kvs[0]?.lease).toBe(lease.id);
    const info = await kv.leaseTimeToLive(lease.id, true);
    expect(info.grantedTtl).toBe(60);
    expect(info.ttl).toBeGreaterThan(55);
    expect(info.keys.map((x) => text(x).replace(/^.*\//, "")).sort()).toEqual(["a", "b"]);
    expect(await kv.leaseKeepAlive(lease.id)).toBe(60);
    const w = kv.watch(all);
    await kv.leaseRevoke(lease.id);
    const events = await collect(w, 2);
    expect(events.map((e) => e.type)).toEqual(["delete", "delete"]);
    expect(events[0]?.kv.modRevision).toBe(events[1]?.kv.modRevision);
    w.close();
    expect(names((await kv.range(all)).kvs)).toEqual(["c"]);
    expect((await kv.leaseTimeToLive(lease.id)).ttl).toBe(-1);
    expect(await kv.leases()).not.toContain(lease.id);
  });

  test("unknown leases are refused with LeaseNotFoundError", async () => {
    const kv = current();
    const { k, all } = scope();
    expect(await failure(kv.put(k("a"), v("1"), { lease: 123456789 }))).toBeInstanceOf(LeaseNotFoundError);
    expect(await failure(kv.leaseRevoke(123456789))).toBeInstanceOf(LeaseNotFoundError);
    expect(await failure(kv.leaseKeepAlive(123456789))).toBeInstanceOf(LeaseNotFoundError);
    expect((await kv.range(all)).count).toBe(0);
  });

  test("an expired lease deletes its keys", async () => {
    const kv = current();
    const { k } = scope();
    const lease = await kv.leaseGrant(1);
    // etcd raises TTLs below its minimum (2 s with default election settings).
    expect(lease.ttl).toBe(2);
    await kv.put(k("short"), v("1"), { lease: lease.id });
    await waitFor(
      async () => (await kv.range({ key: k("short") })).count === 0,
      10_000,
      "the lease to expire",
    );
  });

  test("status reports the current revision", async () => {
    const kv = current();
    const { k } = scope();
    const p = await kv.put(k("a"), v("1"));
    const s = await kv.status();
    expect(s.revision).toBeGreaterThanOrEqual(p.revision);
  });
}
