// What every cluster has from its first second (wire spec §24): the namespaces default,
// kube-system, kube-public and kube-node-lease; the `kubernetes` service at the first address
// of the service range with endpoints pointing at this apiserver; and the two system priority
// classes. Created through the normal create path, so they carry the usual defaults.
// Upstream: pkg/controlplane/controller (bootstrap, kubernetesservice) and
// pkg/registry/scheduling/rest (default priority classes).
import { StatusError } from "../../lib/errors/status-error.ts";
import type { ApiContext } from "./api-context.ts";
import { ensureBootstrapPolicy } from "./authz/bootstrap-policy.ts";
import type { KObject } from "./registry/object.ts";
import { createResource } from "./registry/resource-store.ts";

export interface BootstrapOptions {
  /** First address of the service range (10.96.0.1). */
  kubernetesServiceIp: string;
  /** Where clients reach this apiserver. */
  endpointAddress: string;
  endpointPort: number;
}

const MANAGER = { dryRun: false, manager: "kube-apiserver", subresource: "" };

async function ensure(
  ctx: ApiContext,
  group: string,
  plural: string,
  namespace: string,
  obj: KObject,
): Promise<void> {
  const entry = ctx.registry.lookup(group, group === "" ? "v1" : "v1", plural);
  if (!entry) return;
  try {
    await createResource(ctx, entry, namespace, obj, MANAGER);
  } catch (err) {
    if (!(err instanceof StatusError && err.code === 409)) throw err;
  }
}

export async function bootstrap(ctx: ApiContext, options: BootstrapOptions): Promise<void> {
  for (const name of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
    await ensure(ctx, "", "namespaces", "", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  }
  for (const [name, value, description] of [
    [
      "system-node-critical",
      2000001000,
      "Used for system critical pods that must not be moved from their current node.",
    ],
    [
      "system-cluster-critical",
      2000000000,
      "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
    ],
  ] as const) {
    await ensure(ctx, "scheduling.k8s.io", "priorityclasses", "", {
      apiVersion: "scheduling.k8s.io/v1",
      kind: "PriorityClass",
      metadata: { name },
      value,
      description,
      preemptionPolicy: "PreemptLowerPriority",
    });
  }
  await ensure(ctx, "", "services", "default", {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: "kubernetes",
      namespace: "default",
      labels: { component: "apiserver", provider: "kubernetes" },
    },
    spec: {
      type: "ClusterIP",
      clusterIP: options.kubernetesServiceIp,
      ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: options.endpointPort }],
      sessionAffinity: "None",
    },
  });
  await reconcileEndpoints(ctx, options);
  await ensureBootstrapPolicy(ctx);
}

/**
 * The `kubernetes` Endpoints and EndpointSlice always name this apiserver's current address and
 * port (upstream's endpoint reconciler writes both; the proxy reads the slice).
 */
export async function reconcileEndpoints(ctx: ApiContext, options: BootstrapOptions): Promise<void> {
  const subsets = [
    {
      addresses: [{ ip: options.endpointAddress }],
      ports: [{ name: "https", port: options.endpointPort, protocol: "TCP" }],
    },
  ];
  await upsert(ctx, "", "endpoints", (cur) => (cur ? { ...cur, subsets } : undefined), {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: {
      name: "kubernetes",
      namespace: "default",
      labels: { "endpointslice.kubernetes.io/skip-mirror": "true" },
    },
    subsets,
  });
  const slice = {
    addressType: options.endpointAddress.includes(":") ? "IPv6" : "IPv4",
    endpoints: [{ addresses: [options.endpointAddress], conditions: { ready: true } }],
    ports: [{ name: "https", port: options.endpointPort, protocol: "TCP" }],
  };
  await upsert(ctx, "discovery.k8s.io", "endpointslices", (cur) => (cur ? { ...cur, ...slice } : undefined), {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: {
      name: "kubernetes",
      namespace: "default",
      labels: { "kubernetes.io/service-name": "kubernetes" },
    },
    ...slice,
  });
}

/** Updates default/kubernetes of `plural` with `change` (when it differs), or creates `fresh`. */
async function upsert(
  ctx: ApiContext,
  group: string,
  plural: string,
  change: (cur: KObject | undefined) => KObject | undefined,
  fresh: KObject,
): Promise<void> {
  const entry = ctx.registry.lookup(group, "v1", plural);
  if (!entry) return;
  await entry.store
    .update("default", "kubernetes", async (cur) => {
      if (!cur) return undefined;
      const next = change(cur);
      return next && JSON.stringify(next) !== JSON.stringify(cur) ? next : cur;
    })
    .catch(async (err: unknown) => {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
      await ensure(ctx, group, plural, "default", fresh);
    });
}
