// The pods/eviction subresource with PodDisruptionBudgets: an eviction the budget allows deletes
// the pod and counts in the budget; one it forbids is a 429 with upstream's message; the real
// kubectl drain evicts through it.

import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Pod } from "kubernetes-types/core/v1";
import { disruptionController } from "../../components/controller-manager/disruption/disruption-controller.ts";
import { isStatus } from "../../lib/client/api-client.ts";
import { StatusError } from "../../lib/errors/status-error.ts";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";
import { type Kubectl, kubectlFor } from "../harness/kubectl.ts";

let cp: ControlPlane;
let kubectl: Kubectl;
const NS = "/api/v1/namespaces/default";

beforeAll(async () => {
  cp = await startControlPlane({
    nodes: ["kt-ev-a", "kt-ev-b"],
    controllers: [disruptionController],
    binder: true,
  });
  kubectl = kubectlFor(cp.url);
});

afterAll(async () => {
  kubectl?.cleanup();
  await cp?.stop();
});

const pod = (name: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, labels: { app: "web" } },
  spec: { containers: [{ name: "c", image: "pause" }] },
});
const evict = (name: string) =>
  cp.client.create(`${NS}/pods/${name}/eviction`, {
    apiVersion: "policy/v1",
    kind: "Eviction",
    metadata: { name, namespace: "default" },
  });
const allowed = (n: number) =>
  cp.until(`disruptionsAllowed ${n}`, async () => {
    const pdb = await cp.client.get<{ status?: { disruptionsAllowed?: number } }>(
      "/apis/policy/v1/namespaces/default/poddisruptionbudgets/web",
    );
    return pdb.status?.disruptionsAllowed === n ? true : undefined;
  });

test("an eviction the budget allows deletes the pod; one it forbids is a 429", async () => {
  for (const name of ["web-1", "web-2", "web-3"]) await cp.client.create(`${NS}/pods`, pod(name));
  for (const name of ["web-1", "web-2", "web-3"])
    await cp.until(`${name} running`, async () => {
      const p = await cp.client.get<Pod>(`${NS}/pods/${name}`);
      return p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ? true : undefined;
    });
  await cp.client.create("/apis/policy/v1/namespaces/default/poddisruptionbudgets", {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: "web" },
    spec: { minAvailable: 2, selector: { matchLabels: { app: "web" } } },
  });
  await allowed(1);
  await evict("web-1");
  await cp.until("web-1 gone", async () => {
    try {
      await cp.client.get(`${NS}/pods/web-1`);
      return undefined;
    } catch (error) {
      return isStatus(error, 404) ? true : undefined;
    }
  });
  let refused: unknown;
  try {
    await evict("web-2");
  } catch (error) {
    refused = error;
  }
  expect(refused).toBeInstanceOf(StatusError);
  expect((refused as StatusError).code).toBe(429);
  expect((refused as StatusError).message).toBe(
    "Cannot evict pod as it would violate the pod's disruption budget.",
  );
  expect((refused as StatusError).status.details?.causes?.[0]?.message).toBe(
    "The disruption budget web needs 2 healthy pods and has 2 currently",
  );
  await cp.client.get(`${NS}/pods/web-2`);
});

test("kubectl drain evicts a node's pods when the budget allows", async () => {
  await cp.client.patch("/apis/policy/v1/namespaces/default/poddisruptionbudgets/web", {
    spec: { minAvailable: 0 },
  });
  await allowed(2);
  const node = (await cp.client.get<Pod>(`${NS}/pods/web-2`)).spec?.nodeName ?? "";
  const drain = await kubectl(["drain", node, "--force", "--timeout=20s"], { timeoutMs: 30_000 });
  expect(drain.stderr).not.toContain("error");
  expect(drain.stdout).toContain(`node/${node} drained`);
  expect(drain.stdout).toContain("evicted");
});

test("evicting a pod that does not exist is a 404", async () => {
  let error: unknown;
  try {
    await evict("nope");
  } catch (e) {
    error = e;
  }
  expect(isStatus(error, 404)).toBe(true);
});
