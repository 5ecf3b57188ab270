// Watch responses written straight to the HTTP/2 stream: the path is taken once the stream's
// headers are out, every response of the stream keeps its order across both paths (created,
// events, a large burst past the transport's buffer, cancel), and a grpc-js client decodes them.
import { afterAll, beforeAll, expect, test } from "bun:test";
import * as grpc from "@grpc/grpc-js";
import { etcdServices } from "../../storage/etcd/proto.ts";
import { num, type WireWatchRequest, type WireWatchResponse } from "../../storage/etcd/wire.ts";
import { bytes, text } from "../../storage/keys.ts";
import { type EtcdTarget, kubeEtcdTarget } from "../../test/harness/etcd-targets.ts";
import { directStreamWrites } from "./direct-stream-write.ts";

let target: EtcdTarget;
let client: grpc.Client;

beforeAll(async () => {
  target = await kubeEtcdTarget();
  client = new grpc.Client(target.address, grpc.credentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  await target?.stop();
});

test("created, 2000 events of two watches (1 MB) and cancel arrive in order, written directly", async () => {
  const method = etcdServices().Watch.service.Watch;
  if (!method) throw new Error("no Watch method");
  const call = client.makeBidiStreamRequest(
    method.path,
    method.requestSerialize,
    method.responseDeserialize,
  ) as grpc.ClientDuplexStream<WireWatchRequest, WireWatchResponse>;
  const got: string[] = [];
  const last = new Map<number, number>();
  let wake: (() => void) | undefined;
  call.on("data", (res: WireWatchResponse) => {
    const id = num(res.watch_id);
    if (res.created) got.push(`created ${id}`);
    else if (res.canceled) got.push(`canceled ${id}`);
    for (const e of res.events) {
      const rev = num(e.kv?.mod_revision);
      if (rev <= (last.get(id) ?? 0)) got.push(`out of order: ${id} ${rev}`);
      last.set(id, rev);
      got.push(`${id} ${text(e.kv?.key ?? bytes(""))}=${text(e.kv?.value ?? bytes("")).length}`);
    }
    wake?.();
  });
  call.on("error", () => {});
  const until = async (n: number) => {
    const deadline = Date.now() + 20_000;
    while (got.length < n) {
      if (Date.now() > deadline) throw new Error(`${got.length} of ${n} responses: ${got.slice(-3)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  };
  call.write({ create_request: { key: bytes("/d/a") } });
  call.write({ create_request: { key: bytes("/d/"), range_end: bytes("/d0") } });
  await until(2);
  const before = directStreamWrites.count;
  const value = bytes("v".repeat(500));
  const want: string[] = ["created 0", "created 1"];
  await Promise.all(
    Array.from({ length: 1000 }, async (_, i) => {
      await target.kv.put(bytes(i % 2 ? "/d/a" : `/d/b${i}`), value);
    }),
  );
  // Events per watch in revision order: watch 1 sees all 1000 puts, watch 0 those of /d/a.
  await until(2 + 1500);
  call.write({ cancel_request: { watch_id: 0 } });
  await until(2 + 1500 + 1);
  expect(got.slice(0, 2)).toEqual(want);
  expect(got.at(-1)).toBe("canceled 0");
  expect(got.filter((g) => g.startsWith("0 ")).length).toBe(500);
  expect(got.filter((g) => g.startsWith("1 ")).length).toBe(1000);
  expect(
    got.filter((g) => !g.startsWith("created") && !g.startsWith("canceled") && !g.endsWith("=500")),
  ).toEqual([]);
  expect(directStreamWrites.count - before).toBeGreaterThanOrEqual(1000);
  call.cancel();
}, 60_000);

test("a client that goes away in the middle of a burst leaves the server serving other watches", async () => {
  const method = etcdServices().Watch.service.Watch;
  if (!method) throw new Error("no Watch method");
  const open = () => {
    const call = client.makeBidiStreamRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
    ) as grpc.ClientDuplexStream<WireWatchRequest, WireWatchResponse>;
    call.on("error", () => {});
    return call;
  };
  const leaving = open();
  let seen = 0;
  leaving.on("data", () => {
    if (++seen === 10) leaving.cancel();
  });
  leaving.write({ create_request: { key: bytes("/gone/"), range_end: bytes("/gone0") } });
  const value = bytes("v".repeat(2000));
  await target.kv.put(bytes("/gone/first"), value);
  await Promise.all(Array.from({ length: 300 }, (_, i) => target.kv.put(bytes(`/gone/${i}`), value)));
  // Another stream still gets its created response and an event.
  const staying = open();
  const got: WireWatchResponse[] = [];
  staying.on("data", (res: WireWatchResponse) => got.push(res));
  staying.write({ create_request: { key: bytes("/stay") } });
  for (let i = 0; i < 200 && got.length < 1; i++) await Bun.sleep(25);
  await target.kv.put(bytes("/stay"), bytes("x"));
  for (let i = 0; i < 200 && got.length < 2; i++) await Bun.sleep(25);
  expect(
    got.map((r) => (r.created ? "created" : r.events.map((e) => text(e.kv?.key ?? bytes(""))).join())),
  ).toEqual(["created", "/stay"]);
  staying.cancel();
}, 60_000);
