// The Watch stream protocol spoken raw over gRPC, against kube etcd and a real etcd side by side:
// watch IDs, created/canceled responses, progress, future and compacted starts, fragments.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { etcdServices } from "../../storage/etcd/proto.ts";
import { num, type WireWatchRequest, type WireWatchResponse } from "../../storage/etcd/wire.ts";
import { bytes, text } from "../../storage/keys.ts";
import type { KV } from "../../storage/kv.ts";
import { openSqliteKV } from "../../storage/sqlite/sqlite-kv.ts";
import { type EtcdTarget, etcdTargets } from "../../test/harness/etcd-targets.ts";
import { startEtcd } from "./server.ts";

/** One raw Watch stream: write requests, read responses in order (with a deadline, not a sleep). */
class RawWatch {
  private readonly responses: WireWatchResponse[] = [];
  private wake: (() => void) | undefined;
  readonly call: grpc.ClientDuplexStream<WireWatchRequest, WireWatchResponse>;

  constructor(client: grpc.Client) {
    const method = etcdServices().Watch.service.Watch;
    if (!method) throw new Error("no Watch method");
    this.call = client.makeBidiStreamRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
    ) as grpc.ClientDuplexStream<WireWatchRequest, WireWatchResponse>;
    this.call.on("data", (res: WireWatchResponse) => {
      this.responses.push(res);
      this.wake?.();
    });
    this.call.on("error", () => {});
  }

  send(req: WireWatchRequest): void {
    this.call.write(req);
  }

  async next(ms = 5000): Promise<WireWatchResponse> {
    const deadline = Date.now() + ms;
    while (this.responses.length === 0) {
      if (Date.now() > deadline) throw new Error(`no watch response within ${ms} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.responses.shift() as WireWatchResponse;
  }

  close(): void {
    this.call.cancel();
  }
}

const targets = etcdTargets("the Watch stream protocol against a real etcd");

for (const [name, open] of targets) {
  describe(`Watch stream protocol: ${name}`, () => {
    let target: EtcdTarget;
    let kv: KV;
    let client: grpc.Client;

    beforeAll(async () => {
      target = await open();
      kv = target.kv;
      client = new grpc.Client(target.address, grpc.credentials.createInsecure());
    });

    afterAll(async () => {
      client?.close();
      await target?.stop();
    });

    test("watch IDs count from 0 per stream; created carries the current revision; events follow", async () => {
      const w = new RawWatch(client);
      const now = await kv.put(bytes("/ws/seed"), bytes("0"));
      w.send({ create_request: { key: bytes("/ws/a") } });
      w.send({ create_request: { key: bytes("/ws/b"), prev_kv: true } });
      const first = await w.next();
      const second = await w.next();
      expect([first.created, num(first.watch_id), num(first.header.revision)]).toEqual([
        true,
        0,
        now.revision,
      ]);
      expect([second.created, num(second.watch_id)]).toEqual([true, 1]);
      await kv.put(bytes("/ws/b"), bytes("1"));
      await kv.put(bytes("/ws/b"), bytes("2"));
      const e1 = await w.next();
      const e2 = await w.next();
      expect(num(e1.watch_id)).toBe(1);
      expect(e1.events.map((e) => `${e.type}:${text(e.kv?.value ?? bytes(""))}`)).toEqual(["PUT:1"]);
      expect(text(e2.events[0]?.prev_kv?.value ?? bytes(""))).toBe("1");
      expect(num(e2.header.revision)).toBe(num(e2.events[0]?.kv?.mod_revision));
      w.close();
    });

    test("requested IDs, duplicates refused, cancel answered, progress with no watch is ID -1", async () => {
      const w = new RawWatch(client);
      w.send({ progress_request: {} });
      const progress = await w.next();
      expect(num(progress.watch_id)).toBe(-1);
      expect(progress.events).toEqual([]);
      w.send({ create_request: { key: bytes("/ws/c"), watch_id: 7 } });
      expect(num((await w.next()).watch_id)).toBe(7);
      w.send({ create_request: { key: bytes("/ws/c"), watch_id: 7 } });
      const dup = await w.next();
      expect([dup.created, dup.canceled, dup.cancel_reason]).toEqual([
        true,
        true,
        "mvcc: duplicate watch ID provided on the WatchStream",
      ]);
      w.send({ cancel_request: { watch_id: 7 } });
      const canceled = await w.next();
      expect([num(canceled.watch_id), canceled.canceled]).toEqual([7, true]);
      w.close();
    });

    test("a watch from a future revision waits for it; progress_notify ticks when idle", async () => {
      const w = new RawWatch(client);
      const now = await kv.put(bytes("/ws/f"), bytes("0"));
      w.send({
        create_request: { key: bytes("/ws/f"), start_revision: now.revision + 2, progress_notify: true },
      });
      expect((await w.next()).created).toBe(true);
      await kv.put(bytes("/ws/f"), bytes("1"));
      await kv.put(bytes("/ws/f"), bytes("2"));
      let res = await w.next();
      while (res.events.length === 0) res = await w.next();
      expect(text(res.events[0]?.kv?.value ?? bytes(""))).toBe("2");
      if (target.fastProgressNotify) {
        const tick = await w.next();
        expect([tick.events.length, num(tick.header.revision)]).toEqual([0, now.revision + 2]);
      }
      w.close();
    });

    test("fragment: one revision larger than the request limit comes in marked parts", async () => {
      const w = new RawWatch(client);
      w.send({
        create_request: { key: bytes("/frag/"), range_end: bytes("/frag0"), prev_kv: true, fragment: true },
      });
      expect((await w.next()).created).toBe(true);
      const big = new Uint8Array(1024 * 1024).fill(66);
      for (let i = 0; i < 4; i++) await kv.put(bytes(`/frag/${i}`), big);
      for (let i = 0; i < 4; i++) expect((await w.next()).events.length).toBe(1);
      await kv.delete({ key: bytes("/frag/"), end: bytes("/frag0") });
      const parts: WireWatchResponse[] = [];
      do parts.push(await w.next());
      while (parts.at(-1)?.fragment);
      expect(parts.length).toBeGreaterThan(1);
      expect(parts.flatMap((p) => p.events.map((e) => `${e.type}:${text(e.kv?.key ?? bytes(""))}`))).toEqual(
        [0, 1, 2, 3].map((i) => `DELETE:/frag/${i}`),
      );
      w.close();
    }, 30_000);

    test("a compacted start revision: created, then canceled with the compact revision", async () => {
      const first = await kv.put(bytes("/ws/old"), bytes("1"));
      const second = await kv.put(bytes("/ws/old"), bytes("2"));
      await kv.compact(second.revision);
      const w = new RawWatch(client);
      w.send({ create_request: { key: bytes("/ws/old"), start_revision: first.revision } });
      expect((await w.next()).created).toBe(true);
      const canceled = await w.next();
      expect([canceled.canceled, num(canceled.compact_revision)]).toEqual([true, second.revision]);
      w.close();
    });
  });
}

test("a watcher the store cuts off for falling behind resumes invisibly, as etcd's never drop", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kt-watch-service-"));
  const store = await openSqliteKV({ dataDir: dir, maxWatchPending: 20 });
  const server = await startEtcd({ kv: store, listenClientUrls: ["http://127.0.0.1:0"] });
  const client = new grpc.Client(
    (server.urls[0] ?? "").replace("http://", ""),
    grpc.credentials.createInsecure(),
  );
  try {
    const w = new RawWatch(client);
    w.send({ create_request: { key: bytes("/slow/"), range_end: bytes("/slow0") } });
    expect((await w.next()).created).toBe(true);
    // Stop reading so HTTP/2 flow control backs up into the server and then the store.
    w.call.pause();
    const value = new Uint8Array(4096).fill(120);
    const total = 400;
    for (let i = 0; i < total; i++) await store.put(bytes(`/slow/${i}`), value);
    w.call.resume();
    const seen: string[] = [];
    while (seen.length < total) {
      const res = await w.next();
      expect(res.canceled ?? false).toBe(false);
      seen.push(...res.events.map((e) => text(e.kv?.key ?? bytes(""))));
    }
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => `/slow/${i}`));
    w.close();
  } finally {
    client.close();
    await server.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}, 30_000);

test("a watcher backed up past its share of a shared store watch catches up alone; one sharing it goes on", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kt-watch-service-"));
  // The watch that leaves the shared one is then cut off by the store too, and resumes again.
  const store = await openSqliteKV({ dataDir: dir, maxWatchPending: 20 });
  const server = await startEtcd({
    kv: store,
    listenClientUrls: ["http://127.0.0.1:0"],
    maxWatchBacklog: 20,
  });
  const client = new grpc.Client(
    (server.urls[0] ?? "").replace("http://", ""),
    grpc.credentials.createInsecure(),
  );
  // Its own connection: a paused stream holds back HTTP/2's connection window for the others.
  const other = new grpc.Client(
    (server.urls[0] ?? "").replace("http://", ""),
    grpc.credentials.createInsecure(),
    { "grpc.use_local_subchannel_pool": 1 },
  );
  const range = { key: bytes("/shared/"), range_end: bytes("/shared0") };
  const keysOf = async (w: RawWatch, total: number) => {
    const seen: string[] = [];
    while (seen.length < total) {
      const res = await w.next();
      expect(res.canceled ?? false).toBe(false);
      seen.push(...res.events.map((e) => text(e.kv?.key ?? bytes(""))));
    }
    return seen;
  };
  try {
    const slow = new RawWatch(client);
    const fast = new RawWatch(other);
    slow.send({ create_request: range });
    fast.send({ create_request: range });
    expect((await slow.next()).created).toBe(true);
    expect((await fast.next()).created).toBe(true);
    slow.call.pause();
    const value = new Uint8Array(4096).fill(120);
    const total = 400;
    const expected = Array.from({ length: total }, (_, i) => `/shared/${i}`);
    for (let i = 0; i < total; i++) await store.put(bytes(`/shared/${i}`), value);
    // The fast one has every event while the slow one still reads nothing.
    expect(await keysOf(fast, total)).toEqual(expected);
    slow.call.resume();
    expect(await keysOf(slow, total)).toEqual(expected);
    // Both go on with what comes next.
    await store.put(bytes("/shared/after"), value);
    expect(await keysOf(slow, 1)).toEqual(["/shared/after"]);
    expect(await keysOf(fast, 1)).toEqual(["/shared/after"]);
    slow.close();
    fast.close();
  } finally {
    client.close();
    other.close();
    await server.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}, 30_000);

test("a progress request on one stream is answered there only, also when its watch shares a store watch", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kt-watch-service-"));
  const store = await openSqliteKV({ dataDir: dir });
  const server = await startEtcd({ kv: store, listenClientUrls: ["http://127.0.0.1:0"] });
  const address = (server.urls[0] ?? "").replace("http://", "");
  const clients = [0, 1].map(
    (i) =>
      new grpc.Client(address, grpc.credentials.createInsecure(), { "grpc.use_local_subchannel_pool": i }),
  );
  try {
    const [a, b] = clients.map((c) => new RawWatch(c)) as [RawWatch, RawWatch];
    for (const w of [a, b]) {
      w.send({ create_request: { key: bytes("/p/"), range_end: bytes("/p0") } });
      expect((await w.next()).created).toBe(true);
    }
    const { revision } = await store.put(bytes("/q/outside"), bytes("1"));
    a.send({ progress_request: {} });
    const progress = await a.next();
    expect([num(progress.watch_id), progress.events.length, num(progress.header?.revision)]).toEqual([
      0,
      0,
      revision,
    ]);
    await store.put(bytes("/p/1"), bytes("1"));
    // b's next response is the event: no progress response went to it.
    for (const w of [a, b])
      expect((await w.next()).events.map((e) => text(e.kv?.key ?? bytes("")))).toEqual(["/p/1"]);
    a.close();
    b.close();
  } finally {
    for (const c of clients) c.close();
    await server.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
