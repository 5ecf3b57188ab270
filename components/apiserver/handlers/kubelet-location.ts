// Where the apiserver reaches a pod's kubelet, and which container a request means: upstream's
// pkg/registry/core/pod/strategy.go (ValidateContainer, LogLocation, streamLocation) and
// pkg/registry/core/node/strategy.go (ResourceLocation): the node's address (InternalIP, else
// Hostname) and status.daemonEndpoints.kubeletEndpoint.Port (default 10250); https when the
// apiserver has a kubelet client certificate (kubelet-client.ts).
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { ApiContext } from "../api-context.ts";
import type { Stored } from "../registry/object.ts";
import { kubeletScheme } from "./kubelet-client.ts";

export interface PodContainerSpec {
  containers?: Array<{ name: string; ports?: Array<{ containerPort: number }> }>;
  initContainers?: Array<{ name: string }>;
  ephemeralContainers?: Array<{ name: string }>;
  nodeName?: string;
}

interface NodeStatus {
  addresses?: Array<{ type: string; address: string }>;
  daemonEndpoints?: { kubeletEndpoint?: { Port?: number } };
}

const DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container";

export async function getPod(ctx: ApiContext, namespace: string, name: string): Promise<Stored> {
  const pods = ctx.registry.lookup("", "v1", "pods");
  if (!pods) throw StatusError.notFoundPath();
  return pods.store.get(namespace, name);
}

/** The container named by `?container=`, defaulted as upstream (plus kubectl's annotation). */
export function validateContainer(pod: Stored, requested: string | null): string {
  const spec = (pod.spec ?? {}) as PodContainerSpec;
  const name = pod.metadata.name ?? "";
  const all = [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
    ...(spec.ephemeralContainers ?? []),
  ].map((c) => c.name);
  if (requested) {
    if (!all.includes(requested))
      throw StatusError.badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const containers = spec.containers ?? [];
  if (containers.length === 1) return (containers[0] as { name: string }).name;
  const annotated = pod.metadata.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  if (annotated && all.includes(annotated)) return annotated;
  if (containers.length === 0)
    throw StatusError.badRequest(`a container name must be specified for pod ${name}`);
  throw StatusError.badRequest(
    `a container name must be specified for pod ${name}, choose one of: [${all.join(" ")}]`,
  );
}

function formatHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/** http(s)://address:port of a node's kubelet. */
export async function kubeletBase(ctx: ApiContext, nodeName: string): Promise<string> {
  const nodes = ctx.registry.lookup("", "v1", "nodes");
  if (!nodes) throw StatusError.notFoundPath();
  const node = await nodes.store.get("", nodeName);
  return kubeletBaseOf(node, kubeletScheme(ctx));
}

export function kubeletBaseOf(node: Stored, scheme: "http" | "https" = "http"): string {
  const status = (node.status ?? {}) as NodeStatus;
  const addresses = status.addresses ?? [];
  const address =
    addresses.find((a) => a.type === "InternalIP")?.address ??
    addresses.find((a) => a.type === "Hostname")?.address;
  const name = node.metadata.name ?? "";
  if (!address)
    throw StatusError.of(
      503,
      "ServiceUnavailable",
      `no preferred addresses found; known addresses: [] (node ${name})`,
    );
  const port = status.daemonEndpoints?.kubeletEndpoint?.Port || 10250;
  return `${scheme}://${formatHost(address)}:${port}`;
}

/** The node a pod runs on; a pod without one cannot be streamed from (upstream streamLocation). */
export function nodeOf(pod: Stored): string | undefined {
  return ((pod.spec ?? {}) as PodContainerSpec).nodeName || undefined;
}

export function noHost(pod: Stored): StatusError {
  return StatusError.badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
}
