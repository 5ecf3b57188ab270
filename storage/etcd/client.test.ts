// The gRPC client against a real etcd 3.4 and against `kube etcd` (the gRPC server over the
// SQLite KV): the shared conformance suite, plus what only the wire path can get wrong.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEtcd } from "../../components/etcd/server.ts";
import { realEtcdOrSkip, startRealEtcd } from "../../test/harness/etcd.ts";
import { runKvConformance } from "../conformance.ts";
import {
  CompactedError,
  InvalidArgumentError,
  LeaseNotFoundError,
  RequestTooLargeError,
  StorageError,
} from "../errors.ts";
import { bytes, prefixRange, text } from "../keys.ts";
import type { KV } from "../kv.ts";
import { openSqliteKV } from "../sqlite/sqlite-kv.ts";
import { connectEtcd } from "./client.ts";

interface Opened {
  kv: KV;
  /** host:port, for etcdctl. */
  endpoint: string;
  cleanup: () => Promise<void>;
}

async function openKubeEtcd(): Promise<Opened> {
  const dir = await mkdtemp(join(tmpdir(), "kt-kube-etcd-"));
  const store = await openSqliteKV({ dataDir: dir });
  const server = await startEtcd({ kv: store, listenClientUrls: ["http://127.0.0.1:0"] });
  const kv = await connectEtcd({ endpoints: server.urls });
  return {
    kv,
    endpoint: (server.urls[0] ?? "").replace("http://", ""),
    cleanup: async () => {
      await kv.close();
      await server.stop();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function openRealEtcd(): Promise<Opened> {
  const etcd = await startRealEtcd();
  try {
    const kv = await connectEtcd({ endpoints: [etcd.endpoint] });
    return {
      kv,
      endpoint: etcd.endpoint.replace("http://", ""),
      cleanup: async () => {
        await kv.close();
        await etcd.stop();
      },
    };
  } catch (err) {
    await etcd.stop();
    throw err;
  }
}

/**
 * Bun 1.4 stops reading node:http2 responses while a test awaits them through an async matcher
 * (`expect(promise).rejects`, oven-sh/bun#39796), so a suite written that way hangs over gRPC.
 * Until the shared suite catches rejections before matching them, only the tests below run here.
 */
const conformanceSource = await Bun.file(new URL("../conformance.ts", import.meta.url)).text();
const conformanceOverGrpc = !/\.(rejects|resolves)\b/.test(conformanceSource);
if (!conformanceOverGrpc) {
  console.warn(
    "storage/etcd/client.test.ts: not running storage/conformance.ts over gRPC: it awaits expect().rejects, " +
      "which stalls node:http2 under Bun 1.4 (oven-sh/bun#39796)",
  );
}

const targets: [string, () => Promise<Opened>, boolean][] = [
  ["kube etcd (gRPC client -> gRPC server -> SQLite)", openKubeEtcd, true],
  [
    "real etcd 3.4 (gRPC client)",
    openRealEtcd,
    !process.env.KT_NOREAL && realEtcdOrSkip("the gRPC client against a real etcd"),
  ],
];

for (const [name, open, enabled] of targets) {
  if (!enabled) continue;
  if (conformanceOverGrpc) runKvConformance(name, open);

  describe(`etcd gRPC client over the wire: ${name}`, () => {
    let opened: Opened;
    let kv: KV;
    beforeAll(async () => {
      opened = await open();
      kv = opened.kv;
    });
    afterAll(async () => {
      await opened?.cleanup();
    });

    test("binary keys and values survive the round trip", async () => {
      const key = Uint8Array.of(0x2f, 0x62, 0x69, 0x6e, 0xff, 0x00, 0x01);
      const value = Uint8Array.from({ length: 300 }, (_, i) => i % 256);
      await kv.put(key, value);
      const got = await kv.range({ key });
      expect(got.kvs[0]?.value).toEqual(value);
      expect(got.kvs[0]?.key).toEqual(key);
    });

    test("errors come back as storage error classes with etcd's messages", async () => {
      // Not `expect(promise).rejects`: Bun 1.4 stalls node:http2 reads inside async matchers
      // (oven-sh/bun#39796), so every rejection is caught first and then inspected.
      const failure = (p: Promise<unknown>) =>
        p.then(
          () => undefined,
          (err: unknown) => err,
        );
      const empty = await failure(kv.put(new Uint8Array(0), bytes("x")));
      expect(empty).toBeInstanceOf(InvalidArgumentError);
      expect(String(empty)).toContain("etcdserver: key is not provided");
      const big = await failure(kv.put(bytes("/wire/big"), new Uint8Array(1.6 * 1024 * 1024)));
      expect(big).toBeInstanceOf(RequestTooLargeError);
      expect(await failure(kv.leaseRevoke(987654321))).toBeInstanceOf(LeaseNotFoundError);
      const ops = Array.from({ length: 129 }, (_, i) => ({
        type: "put" as const,
        key: bytes(`/wire/many/${i}`),
        value: bytes("v"),
      }));
      expect(String(await failure(kv.txn([], ops, [])))).toContain("too many operations in txn request");
    });

    test("a compacted range names the compacted revision", async () => {
      const first = await kv.put(bytes("/wire/c/a"), bytes("1"));
      const second = await kv.put(bytes("/wire/c/a"), bytes("2"));
      await kv.compact(second.revision);
      const err = await kv
        .range({ key: bytes("/wire/c/a") }, { revision: first.revision })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CompactedError);
      expect((err as CompactedError).compacted).toBe(second.revision);
      expect((await kv.status()).compactRevision).toBe(second.revision);
      // A later compaction is found past the one remembered.
      await kv.put(bytes("/wire/c/a"), bytes("3"));
      const fourth = await kv.put(bytes("/wire/c/a"), bytes("4"));
      await kv.compact(fourth.revision);
      expect((await kv.status()).compactRevision).toBe(fourth.revision);
    });

    test("watch: history with previous values, filters, and a compacted start", async () => {
      const first = await kv.put(bytes("/wire/w/a"), bytes("1"));
      await kv.put(bytes("/wire/w/a"), bytes("2"));
      await kv.delete({ key: bytes("/wire/w/a") });
      const w = kv.watch(prefixRange(bytes("/wire/w/")), { startRevision: first.revision, prevKv: true });
      const it = w[Symbol.asyncIterator]();
      const events = [];
      while (events.length < 3) {
        const next = await it.next();
        if (next.done) break;
        events.push(...next.value.events);
      }
      w.close();
      expect(events.map((e) => e.type)).toEqual(["put", "put", "delete"]);
      expect(text(events[1]?.prevKv?.value ?? bytes(""))).toBe("1");
      expect(events[2]?.kv.modRevision).toBe(first.revision + 2);
      const noDeletes = kv.watch({ key: bytes("/wire/w/b") }, { filters: ["delete"] });
      await kv.put(bytes("/wire/w/b"), bytes("x"));
      await kv.delete({ key: bytes("/wire/w/b") });
      await kv.put(bytes("/wire/w/b"), bytes("y"));
      const filtered = noDeletes[Symbol.asyncIterator]();
      const seen = [];
      while (seen.length < 2) {
        const next = await filtered.next();
        if (next.done) break;
        seen.push(...next.value.events.map((e) => `${e.type}:${text(e.kv.value)}`));
      }
      noDeletes.close();
      expect(seen).toEqual(["put:x", "put:y"]);
      const latest = await kv.put(bytes("/wire/w/c"), bytes("1"));
      await kv.compact(latest.revision);
      const old = kv.watch({ key: bytes("/wire/w/a") }, { startRevision: first.revision });
      const err = await old[Symbol.asyncIterator]()
        .next()
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(CompactedError);
      expect((err as CompactedError).compacted).toBe(latest.revision);
    });

    test("txn: nested results, prev values and ranges come back typed", async () => {
      const seed = await kv.put(bytes("/wire/t/a"), bytes("1"));
      const result = await kv.txn(
        [{ key: bytes("/wire/t/a"), target: "mod", result: "=", value: seed.revision }],
        [
          { type: "put", key: bytes("/wire/t/a"), value: bytes("2"), options: { prevKv: true } },
          { type: "range", key: bytes("/wire/t/a") },
          {
            type: "txn",
            compare: [{ key: bytes("/wire/t/b"), target: "version", result: "=", value: 0 }],
            success: [{ type: "put", key: bytes("/wire/t/b"), value: bytes("new") }],
            failure: [],
          },
        ],
        [],
      );
      expect(result.succeeded).toBe(true);
      expect(result.revision).toBe(seed.revision + 1);
      const [put, range, nested] = result.results;
      expect(put?.type === "put" && text(put.result.prevKv?.value ?? bytes(""))).toBe("1");
      expect(range?.type === "range" && range.result.count).toBe(1);
      expect(nested?.type === "txn" && nested.result.succeeded).toBe(true);
      const del = await kv.txn([], [{ type: "delete", ...prefixRange(bytes("/wire/t/")), prevKv: true }], []);
      const deleted = del.results[0];
      expect(deleted?.type === "delete" && deleted.result.prevKvs.length).toBe(2);
    });

    test("leases: grant, attach, keep alive, time to live, list, revoke", async () => {
      const lease = await kv.leaseGrant(30);
      expect(lease.ttl).toBe(30);
      await kv.put(bytes("/wire/lease/a"), bytes("1"), { lease: lease.id });
      expect((await kv.range({ key: bytes("/wire/lease/a") })).kvs[0]?.lease).toBe(lease.id);
      expect(await kv.leaseKeepAlive(lease.id)).toBe(30);
      const info = await kv.leaseTimeToLive(lease.id, true);
      expect(info.grantedTtl).toBe(30);
      expect(info.keys.map(text)).toEqual(["/wire/lease/a"]);
      expect(await kv.leases()).toContain(lease.id);
      await kv.leaseRevoke(lease.id);
      const after = await kv.range({ key: bytes("/wire/lease/a") });
      expect(after.count).toBe(0);
      expect((await kv.leaseTimeToLive(lease.id)).ttl).toBe(-1);
      const gone = await kv.leaseKeepAlive(lease.id).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(gone).toBeInstanceOf(LeaseNotFoundError);
    });

    test("a lease granted elsewhere (real etcd: a random 63-bit ID) round-trips exactly", async () => {
      const ctl = async (...args: string[]) => {
        const proc = Bun.spawn(["etcdctl", `--endpoints=${opened.endpoint}`, ...args], {
          stdout: "pipe",
          stderr: "pipe",
          env: { ...process.env, ETCDCTL_API: "3" },
        });
        const out = await new Response(proc.stdout).text();
        if ((await proc.exited) !== 0) throw new Error(`etcdctl ${args.join(" ")}: ${out}`);
        return out;
      };
      const hex = /lease ([0-9a-f]+) granted/.exec(await ctl("lease", "grant", "60"))?.[1] ?? "";
      await ctl("put", "/wire/foreign-lease", "v", `--lease=${hex}`);
      const kv0 = (await kv.range({ key: bytes("/wire/foreign-lease") })).kvs[0];
      expect(kv0?.lease).toBe(Number(BigInt(`0x${hex}`)));
      const info = await kv.leaseTimeToLive(kv0?.lease ?? 0, true);
      expect(info.keys.map(text)).toEqual(["/wire/foreign-lease"]);
      await kv.leaseRevoke(kv0?.lease ?? 0);
      expect((await kv.range({ key: bytes("/wire/foreign-lease") })).count).toBe(0);
    });

    test("a watch from now sees this client's next write, even after a compaction elsewhere", async () => {
      const other = await connectEtcd({ endpoints: [opened.endpoint] });
      try {
        await kv.put(bytes("/wire/now/seen"), bytes("1"));
        // Another client moves the store on and compacts past everything this one has seen.
        await other.put(bytes("/wire/now/x"), bytes("1"));
        const moved = await other.put(bytes("/wire/now/x"), bytes("2"));
        await other.compact(moved.revision);
        const w = kv.watch({ key: bytes("/wire/now/key") });
        // No round trip in between: the write may reach etcd before the watch does.
        await kv.put(bytes("/wire/now/key"), bytes("v"));
        const next = await w[Symbol.asyncIterator]().next();
        expect(next.done ? [] : next.value.events.map((e) => text(e.kv.value))).toEqual(["v"]);
        w.close();
      } finally {
        await other.close();
      }
    });

    test("progress requests give an empty batch at the current revision", async () => {
      const w = kv.watch(prefixRange(bytes("/wire/progress/")));
      const put = await kv.put(bytes("/wire/other"), bytes("x"));
      w.requestProgress();
      const it = w[Symbol.asyncIterator]();
      const next = await it.next();
      expect(next.done).toBe(false);
      expect(next.value?.events).toEqual([]);
      expect(next.value?.revision).toBeGreaterThanOrEqual(put.revision);
      w.close();
    });

    test("many watches at once each get their own events", async () => {
      const watches = Array.from({ length: 20 }, (_, i) => kv.watch({ key: bytes(`/wire/many-watch/${i}`) }));
      // A progress round trip on each proves its watch is registered before we write.
      for (const w of watches) w.requestProgress();
      for (const w of watches) await w[Symbol.asyncIterator]().next();
      for (let i = 0; i < 20; i++) await kv.put(bytes(`/wire/many-watch/${i}`), bytes(`v${i}`));
      for (let i = 0; i < 20; i++) {
        const w = watches[i];
        if (!w) throw new Error("missing watch");
        const batch = await w[Symbol.asyncIterator]().next();
        expect(text(batch.value?.events[0]?.kv.value ?? bytes(""))).toBe(`v${i}`);
        w.close();
      }
    });
  });
}

test("a watch fails, rather than ends quietly, when the server goes away", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kt-kube-etcd-"));
  const store = await openSqliteKV({ dataDir: dir });
  const server = await startEtcd({ kv: store, listenClientUrls: ["http://127.0.0.1:0"] });
  const kv = await connectEtcd({ endpoints: server.urls });
  try {
    const w = kv.watch({ key: bytes("/gone") });
    w.requestProgress();
    const it = w[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    const stopping = server.stop();
    const err = await it.next().then(
      () => undefined,
      (e: unknown) => e,
    );
    await stopping;
    expect(err).toBeInstanceOf(StorageError);
  } finally {
    await kv.close();
    await server.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
