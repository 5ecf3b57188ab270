// The fake nodes' bridge: only the token's holder gets through, only as a node of this server,
// and a kubelet's transport (bridgeFetch) arrives as that node with its method, path and body.
import { afterAll, expect, test } from "bun:test";
import type { UserInfo } from "../components/apiserver/authn/user-info.ts";
import { startServerNodesBridge } from "./server-nodes-bridge.ts";
import { maxHttpRequests } from "./server-nodes-process.ts";
import {
  bridgeFetch,
  NODE_HEADER,
  parseServerNodesConfig,
  type ServerNodesConfig,
  TOKEN_HEADER,
} from "./server-nodes-protocol.ts";

const seen: { user: UserInfo; method: string; path: string; body: string }[] = [];
const token = "a".repeat(64);
const bridge = startServerNodesBridge({
  nodeNames: ["n1", "n2"],
  token,
  fetchAs: (user) => async (request) => {
    seen.push({
      user,
      method: request.method,
      path: new URL(request.url).pathname + new URL(request.url).search,
      body: await request.text(),
    });
    return Response.json({ kind: "Lease" });
  },
});
const url = `http://127.0.0.1:${bridge.port}`;
afterAll(() => bridge.stop(true));

test("a kubelet's request arrives as its node, with its method, path, query and body", async () => {
  const fetchAs = bridgeFetch({ url, token }, "n2");
  const response = await fetchAs(
    new Request(`${url}/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n2?x=1`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: '{"spec":{}}',
    }),
  );
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ kind: "Lease" });
  expect(seen.at(-1)).toEqual({
    user: { username: "system:node:n2", groups: ["system:nodes", "system:authenticated"] },
    method: "PUT",
    path: "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n2?x=1",
    body: '{"spec":{}}',
  });
});

test("no token, a wrong token or a node not of this server: 401 Unauthorized, the handler never called", async () => {
  const before = seen.length;
  const cases: Record<string, string>[] = [
    { [NODE_HEADER]: "n1" },
    { [NODE_HEADER]: "n1", [TOKEN_HEADER]: "b".repeat(64) },
    { [NODE_HEADER]: "n1", [TOKEN_HEADER]: "short" },
    { [NODE_HEADER]: "n3", [TOKEN_HEADER]: token },
    { [TOKEN_HEADER]: token },
  ];
  for (const headers of cases) {
    const response = await fetch(`${url}/api/v1/nodes/n1`, { headers });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ kind: "Status", reason: "Unauthorized", code: 401 });
  }
  expect(seen.length).toBe(before);
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

test("the fake nodes' process may hold a watch per node and what the open-file limit leaves, at most 1024 more", () => {
  expect(maxHttpRequests(5000, 20_000)).toBe(5000 + 1024);
  expect(maxHttpRequests(5000, 16_000)).toBe(5000 + 488);
  expect(maxHttpRequests(5000, 1024)).toBe(5000 + 64);
  expect(maxHttpRequests(2, 1024)).toBe(2 + 506);
});
