// `kube server --nodes N --runtime fake` (the scale bench's cluster) across a restart: Ctrl-C leaves
// the fake pods to the next start, whose kubelets adopt them (same container IDs and IPs, no new
// Started events, no status writes), as a real kubelet adopts the containers it finds.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Event, Pod } from "kubernetes-types/core/v1";
import { type KubeServer, startKubeServer } from "../harness/kube-server.ts";
import { until } from "../harness/until.ts";

let server: KubeServer;
beforeAll(async () => {
  server = await startKubeServer({ nodes: 3, args: ["--runtime", "fake", "--disable", "proxy,dns"] });
}, 90_000);
afterAll(async () => {
  await server?.stop();
}, 60_000);

const get = async <T>(path: string): Promise<T> => {
  const response = await fetch(`${server.url}${path}`);
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
};

interface Seen {
  rv: string;
  ip: string;
  node: string;
  containerID: string;
}

async function runningPods(): Promise<Map<string, Seen> | undefined> {
  const pods = (await get<{ items: Pod[] }>("/api/v1/namespaces/default/pods")).items;
  if (pods.length !== 6 || pods.some((p) => !p.status?.containerStatuses?.[0]?.state?.running))
    return undefined;
  return new Map(
    pods.map((p) => [
      p.metadata?.name ?? "",
      {
        rv: p.metadata?.resourceVersion ?? "",
        ip: p.status?.podIP ?? "",
        node: p.spec?.nodeName ?? "",
        containerID: p.status?.containerStatuses?.[0]?.containerID ?? "",
      },
    ]),
  );
}

const started = async (): Promise<number> =>
  (await get<{ items: Event[] }>("/api/v1/namespaces/default/events")).items.filter(
    (e) => e.reason === "Started",
  ).length;

test("a restarted fake cluster adopts its pods: same containers and IPs, no restarts, no writes", async () => {
  const response = await fetch(`${server.url}/apis/apps/v1/namespaces/default/deployments`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      metadata: { name: "web" },
      spec: {
        replicas: 6,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "c", image: "pause" }] },
        },
      },
    }),
  });
  expect(response.status).toBe(201);
  const before = await until("6 pods Running", runningPods, { timeoutMs: 60_000 });
  expect(new Set([...before.values()].map((p) => p.node)).size).toBeGreaterThan(1);
  const startedBefore = await until("6 Started events", async () =>
    (await started()) === 6 ? 6 : undefined,
  );

  const stopAt = performance.now();
  await server.restart();
  // Ctrl-C no longer stops each fake pod: the whole restart (stop, start, 3 nodes Ready) is quick.
  expect(performance.now() - stopAt).toBeLessThan(30_000);

  // Each kubelet serves the pods it adopted once their workers synced.
  await until(
    "every node's kubelet runs its pods again",
    async () => {
      for (const node of server.nodeNames) {
        const want = [...before.values()].filter((p) => p.node === node).length;
        const { items } = await get<{ items: Pod[] }>(`/api/v1/nodes/${node}/proxy/pods`);
        const running = items.filter((p) => p.status?.containerStatuses?.[0]?.state?.running);
        if (running.length !== want) return undefined;
      }
      return true;
    },
    { timeoutMs: 60_000 },
  );
  // A status write or a restarted container would show within a moment of the sync.
  await Bun.sleep(2000);
  const after = await runningPods();
  expect(after).toEqual(before);
  expect(await started()).toBe(startedBefore);
  expect(server.stderr()).toContain("pods from before this start checked: 0 no source wants removed");
}, 180_000);
