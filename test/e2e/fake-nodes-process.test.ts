// `kube server --nodes N --runtime fake` runs its kubelets in a child process (`kube server-nodes`):
// the nodes come up and serve through it, and it never outlives the server, whether the server
// stops in order (SIGTERM) or is killed (SIGKILL: the child sees its stdin close).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { type KubeServer, startKubeServer } from "../harness/kube-server.ts";
import { until } from "../harness/until.ts";

let server: KubeServer;
let stopped = false;
beforeAll(async () => {
  server = await startKubeServer({ nodes: 2, args: ["--runtime", "fake", "--disable", "proxy,dns"] });
}, 90_000);
afterAll(async () => {
  if (!stopped) await server?.stop();
}, 60_000);

const cmdline = (pid: string | number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return "";
  }
};

const parentOf = (pid: string | number): number => {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[1]);
  } catch {
    return 0;
  }
};

/** The fake nodes' process of this test's server (its parent names the data dir). */
function nodesProcess(): number | undefined {
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid) || !cmdline(pid).includes("server-nodes")) continue;
    if (cmdline(parentOf(pid)).includes(server.dataDir)) return Number(pid);
  }
  return undefined;
}

const alive = (pid: number): boolean => cmdline(pid).includes("server-nodes");

test("the fake nodes run in a child process and are served through it", async () => {
  expect(server.nodeNames.length).toBe(2);
  const pid = nodesProcess();
  expect(pid).toBeNumber();
  // One process for both nodes: the server's only server-nodes child.
  expect(server.stderr()).toContain(`kubelets (2 fake nodes, process ${pid})`);
  // Their Leases are renewed through the bridge as the nodes themselves.
  const response = await fetch(`${server.url}/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases`);
  const leases = (await response.json()) as { items: { metadata: { name: string } }[] };
  expect(leases.items.map((l) => l.metadata.name).sort()).toEqual(server.nodeNames);
});

test("a killed server leaves no nodes process behind; the next start has a new one", async () => {
  const before = nodesProcess() as number;
  expect(alive(before)).toBe(true);
  await server.restart({ crash: true });
  await until("the old nodes process gone", () => (alive(before) ? undefined : true), { timeoutMs: 20_000 });
  const after = nodesProcess();
  expect(after).toBeNumber();
  expect(after).not.toBe(before);
});

test("a stopped server stops its nodes process", async () => {
  const pid = nodesProcess() as number;
  stopped = true;
  await server.stop();
  expect(alive(pid)).toBe(false);
});
