// The fake nodes' bridge: only the token's holder gets through, only as a node of this server,
// and a kubelet's transport arrives as that node with its method, path, body; streamed bodies
// (watches) arrive chunk by chunk, and a cancelled one ends on the server's side.
import { afterAll, expect, test } from "bun:test";
import type { UserInfo } from "../components/apiserver/authn/user-info.ts";
import { until } from "../test/harness/until.ts";
import { startServerNodesBridge } from "./server-nodes-bridge.ts";
import { BridgeClient } from "./server-nodes-client.ts";
import { FrameReader, frame, streamsResponse } from "./server-nodes-frames.ts";
import { parseServerNodesConfig, type ServerNodesConfig } from "./server-nodes-protocol.ts";

const seen: { user: UserInfo; method: string; path: string; body: string }[] = [];
let watchCancelled = false;
const token = "a".repeat(64);
const bridge = startServerNodesBridge({
  nodeNames: ["n1", "n2"],
  token,
  fetchAs: (user) => async (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/watch") {
      request.signal.addEventListener("abort", () => {
        watchCancelled = true;
      });
      let n = 0;
      return new Response(
        new ReadableStream({
          pull: async (c) => {
            await Bun.sleep(5);
            c.enqueue(new TextEncoder().encode(`event ${n++}\n`));
          },
          cancel: () => {
            watchCancelled = true;
          },
        }),
      );
    }
    if (url.pathname === "/empty") return new Response(null, { status: 204, headers: { "x-empty": "1" } });
    if (url.pathname === "/big") return new Response("x".repeat(300_000));
    seen.push({ user, method: request.method, path: url.pathname + url.search, body: await request.text() });
    return Response.json({ kind: "Lease" }, { headers: { "x-seen": "1" } });
  },
});
const url = `http://127.0.0.1:${bridge.port}`;
const client = await BridgeClient.connect(url, token);
afterAll(() => {
  client.close();
  bridge.stop();
});

test("a kubelet's request arrives as its node, with its method, path, query and body", async () => {
  const response = await client.fetchAs("n2")(
    new Request(`${url}/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n2?x=1`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: '{"spec":{}}',
    }),
  );
  expect(response.status).toBe(200);
  expect(response.headers.get("x-seen")).toBe("1");
  expect(await response.json()).toEqual({ kind: "Lease" });
  expect(seen.at(-1)).toEqual({
    user: { username: "system:node:n2", groups: ["system:nodes", "system:authenticated"] },
    method: "PUT",
    path: "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n2?x=1",
    body: '{"spec":{}}',
  });
});

test("many requests at once over the one connection each get their own answer", async () => {
  const before = seen.length;
  const bodies = await Promise.all(
    Array.from({ length: 200 }, async (_, i) => {
      const r = await client.fetchAs(i % 2 ? "n1" : "n2")(
        new Request(`${url}/p/${i}`, { method: "POST", body: "x".repeat(i * 100) }),
      );
      return r.json();
    }),
  );
  expect(bodies.every((b) => (b as { kind: string }).kind === "Lease")).toBe(true);
  expect(new Set(seen.slice(before).map((s) => s.path)).size).toBe(200);
  expect(seen.slice(before).find((s) => s.path === "/p/150")?.body.length).toBe(15000);
});

test("a streamed body arrives in chunks; aborting it cancels the stream on the server", async () => {
  const abort = new AbortController();
  const response = await client.fetchAs("n1")(
    new Request(`${url}/watch?watch=true`, { signal: abort.signal }),
  );
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const first = new TextDecoder().decode((await reader.read()).value);
  expect(first).toStartWith("event 0");
  abort.abort();
  await expect(reader.read()).rejects.toThrow();
  await until("the server's stream cancelled", () => (watchCancelled ? true : undefined));
});

test("a node not of this server: 401 Unauthorized, the handler never called", async () => {
  const before = seen.length;
  const response = await client.fetchAs("n3")(new Request(`${url}/api/v1/nodes/n3`));
  expect(response.status).toBe(401);
  expect(await response.json()).toMatchObject({ kind: "Status", reason: "Unauthorized", code: 401 });
  expect(seen.length).toBe(before);
});

test("a wrong token: the bridge closes the connection and nothing is handled", async () => {
  const before = seen.length;
  const wrong = await BridgeClient.connect(url, "b".repeat(64));
  await expect(wrong.fetchAs("n1")(new Request(`${url}/api/v1/nodes/n1`))).rejects.toThrow("closed");
  await wrong.closed;
  expect(seen.length).toBe(before);
});

test("frames survive any cut of the byte stream", () => {
  const got: string[] = [];
  const reader = new FrameReader((type, id, payload) =>
    got.push(`${type}/${id}/${new TextDecoder().decode(payload)}`),
  );
  const bytes = new Uint8Array([...frame(5, 7, "hello"), ...frame(6, 7), ...frame(4, 8, "{}")]);
  for (const b of bytes) reader.push(new Uint8Array([b]));
  expect(got).toEqual(["5/7/hello", "6/7/", "4/8/{}"]);
});

test("the child's config is checked before it is used", () => {
  expect(() => parseServerNodesConfig("{}")).toThrow("not a server's");
  expect(() => parseServerNodesConfig("null")).toThrow("not a server's");
  expect(() => parseServerNodesConfig("not json")).toThrow();
  const config: ServerNodesConfig = {
    settings: {
      dataDir: "d",
      server: "s",
      runtime: "fake",
      clusterDNS: [],
      clusterDomain: "c",
      resolvConf: "r",
    },
    nodeNames: ["n1"],
    bridge: { url, token },
    concurrency: 4,
  };
  expect(parseServerNodesConfig(JSON.stringify(config))).toEqual(config);
  expect(() => parseServerNodesConfig(JSON.stringify({ ...config, nodeNames: [1] }))).toThrow(
    "not a server's",
  );
});

test("a response that does not stream arrives whole: a null-body status, a body larger than a socket write", async () => {
  const empty = await client.fetchAs("n1")(new Request(`${url}/empty`));
  expect(empty.status).toBe(204);
  expect(empty.headers.get("x-empty")).toBe("1");
  expect(empty.body).toBeNull();
  const big = await client.fetchAs("n1")(new Request(`${url}/big`));
  expect((await big.text()).length).toBe(300_000);
});

test("watches and followed logs stream; other requests are answered whole", () => {
  expect(streamsResponse("/api/v1/pods?fieldSelector=spec.nodeName%3Dn1&watch=true")).toBe(true);
  expect(streamsResponse("/api/v1/nodes?watch=1&allowWatchBookmarks=true")).toBe(true);
  expect(streamsResponse("/api/v1/watch/namespaces/a/configmaps")).toBe(true);
  expect(streamsResponse("/api/v1/namespaces/a/pods/p/log?follow=true")).toBe(true);
  expect(streamsResponse("/api/v1/pods?fieldSelector=spec.nodeName%3Dn1")).toBe(false);
  expect(streamsResponse("/api/v1/nodes/n1?resourceVersion=0")).toBe(false);
  expect(streamsResponse("/api/v1/namespaces/watch/pods?watch=false")).toBe(false);
  expect(streamsResponse("/apis/apps/v1/watch/deployments")).toBe(true);
  expect(streamsResponse("/api/v1/namespaces/a/configmaps/watch")).toBe(false);
});
