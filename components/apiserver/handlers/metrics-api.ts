// metrics.k8s.io/v1beta1 PodMetrics and NodeMetrics, computed on each request from every
// node's kubelet /stats/summary (upstream serves this from metrics-server, which scrapes the
// same endpoint: sigs.k8s.io/metrics-server pkg/api). Read-only: get and list.
import type { ResourceInfo } from "../../../lib/api/resources.ts";
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { ApiContext, ResourceRequest } from "../api-context.ts";
import { json } from "../http/respond.ts";
import type { Stored } from "../registry/object.ts";
import { kubeletFetch, kubeletScheme } from "./kubelet-client.ts";
import { kubeletBaseOf } from "./kubelet-location.ts";
import { selectionScope } from "./selection.ts";

export const METRICS_GROUP = "metrics.k8s.io";

const info = (kind: string, plural: string, namespaced: boolean): ResourceInfo => ({
  group: METRICS_GROUP,
  version: "v1beta1",
  kind,
  plural,
  singular: "",
  namespaced,
  verbs: ["get", "list"],
  shortNames: [],
  categories: [],
  subresources: [],
  storagePrefix: `/registry/${METRICS_GROUP}/${plural}`,
});

/** Added to the registry at start so discovery advertises the group (kubectl top needs it). */
export const METRICS_RESOURCES: ResourceInfo[] = [
  info("NodeMetrics", "nodes", false),
  info("PodMetrics", "pods", true),
];

interface Usage {
  cpu: string;
  memory: string;
}

interface SummaryStats {
  time?: string;
  usageNanoCores?: number;
  workingSetBytes?: number;
}

interface KubeletSummary {
  node: { nodeName: string; cpu?: SummaryStats; memory?: SummaryStats };
  pods?: Array<{
    podRef: { name: string; namespace: string };
    containers?: Array<{ name: string; cpu?: SummaryStats; memory?: SummaryStats }>;
  }>;
}

const WINDOW = "10s";

function usage(cpu: SummaryStats | undefined, memory: SummaryStats | undefined): Usage {
  return {
    cpu: `${Math.round(cpu?.usageNanoCores ?? 0)}n`,
    memory: `${Math.round((memory?.workingSetBytes ?? 0) / 1024)}Ki`,
  };
}

/** Every node's summary that answers within a few seconds; a node that does not is left out. */
async function summaries(ctx: ApiContext): Promise<Array<{ node: Stored; summary: KubeletSummary }>> {
  const nodes = ctx.registry.lookup("", "v1", "nodes");
  if (!nodes) return [];
  const list = await nodes.store.list({ namespace: "" });
  const results = await Promise.all(
    list.items.map(async (node) => {
      try {
        const res = await kubeletFetch(ctx, `${kubeletBaseOf(node, kubeletScheme(ctx))}/stats/summary`, {
          signal: AbortSignal.timeout(5000),
        });
        if (!res.ok) return undefined;
        return { node, summary: (await res.json()) as KubeletSummary };
      } catch {
        return undefined;
      }
    }),
  );
  return results.filter((r) => r !== undefined);
}

function metadataOf(obj: Stored): Record<string, unknown> {
  const m = obj.metadata;
  return {
    name: m.name,
    ...(m.namespace ? { namespace: m.namespace } : {}),
    creationTimestamp: m.creationTimestamp ?? new Date().toISOString(),
    ...(m.labels ? { labels: m.labels } : {}),
  };
}

async function podMetrics(r: ResourceRequest): Promise<Response> {
  const { ctx, info: ri, url } = r;
  const pods = ctx.registry.lookup("", "v1", "pods");
  if (!pods) throw StatusError.notFoundPath();
  const scope = selectionScope(pods, url, ri.namespace);
  const wanted = ri.name
    ? [await pods.store.get(ri.namespace, ri.name).catch(() => undefined)].filter((p) => p !== undefined)
    : (await pods.store.list(scope)).items;
  const byKey = new Map(wanted.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]));
  const items: object[] = [];
  for (const { summary } of await summaries(ctx)) {
    for (const p of summary.pods ?? []) {
      const pod = byKey.get(`${p.podRef.namespace}/${p.podRef.name}`);
      if (!pod) continue;
      const containers = p.containers ?? [];
      items.push({
        metadata: metadataOf(pod),
        timestamp: containers[0]?.cpu?.time ?? summary.node.cpu?.time ?? new Date().toISOString(),
        window: WINDOW,
        containers: containers.map((c) => ({ name: c.name, usage: usage(c.cpu, c.memory) })),
      });
    }
  }
  if (ri.name) {
    const item = items[0];
    if (!item) throw StatusError.notFound({ group: METRICS_GROUP, resource: "pods" }, ri.name);
    return json({ kind: "PodMetrics", apiVersion: `${METRICS_GROUP}/v1beta1`, ...item });
  }
  return json({ kind: "PodMetricsList", apiVersion: `${METRICS_GROUP}/v1beta1`, metadata: {}, items });
}

async function nodeMetrics(r: ResourceRequest): Promise<Response> {
  const { ctx, info: ri, url } = r;
  const nodes = ctx.registry.lookup("", "v1", "nodes");
  if (!nodes) throw StatusError.notFoundPath();
  const scope = selectionScope(nodes, url, "");
  const items: object[] = [];
  for (const { node, summary } of await summaries(ctx)) {
    if (ri.name && node.metadata.name !== ri.name) continue;
    if (scope.filter && !scope.filter(node)) continue;
    items.push({
      metadata: metadataOf(node),
      timestamp: summary.node.cpu?.time ?? new Date().toISOString(),
      window: WINDOW,
      usage: usage(summary.node.cpu, summary.node.memory),
    });
  }
  if (ri.name) {
    const item = items[0];
    if (!item) throw StatusError.notFound({ group: METRICS_GROUP, resource: "nodes" }, ri.name);
    return json({ kind: "NodeMetrics", apiVersion: `${METRICS_GROUP}/v1beta1`, ...item });
  }
  return json({ kind: "NodeMetricsList", apiVersion: `${METRICS_GROUP}/v1beta1`, metadata: {}, items });
}

/** GET/LIST of the metrics group; anything else is 405. */
export async function serveMetrics(r: ResourceRequest): Promise<Response> {
  const { verb, resource, subresource } = r.info;
  if ((verb !== "get" && verb !== "list") || subresource) {
    throw StatusError.methodNotAllowed();
  }
  return resource === "pods" ? podMetrics(r) : nodeMetrics(r);
}
