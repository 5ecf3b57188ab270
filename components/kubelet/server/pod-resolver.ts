// Finds what a kubelet URL names (/{verb}/{namespace}/{pod}/{container}) in the runtime: the pod
// among the kubelet's pods, its sandbox by pod UID, and the container by name, newest attempt
// current and the one before it `previous`. Errors carry upstream's kubelet messages
// (pkg/kubelet/server/server.go, pkg/kubelet/kubelet_pods.go validateContainerLogStatus).
import type { Pod } from "kubernetes-types/core/v1";
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { ContainerStatus, Runtime, SandboxStatus } from "../runtime/runtime.ts";

export interface ResolvedPod {
  pod: Pod;
  /** The newest sandbox of the pod, if the runtime has one. */
  sandbox: SandboxStatus | undefined;
}

export interface ResolvedContainer extends ResolvedPod {
  sandbox: SandboxStatus;
  container: ContainerStatus;
}

export async function resolvePod(
  runtime: Runtime,
  pods: Pod[],
  namespace: string,
  name: string,
): Promise<ResolvedPod> {
  const pod = pods.find((p) => p.metadata?.namespace === namespace && p.metadata?.name === name);
  if (!pod) throw StatusError.of(404, "NotFound", `pod "${name}" does not exist`);
  const uid = pod.metadata?.uid;
  const sandboxes = (await runtime.listSandboxes())
    .filter((s) => s.uid === uid)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  return { pod, sandbox: sandboxes[0] };
}

function specHas(pod: Pod, container: string): boolean {
  const spec = pod.spec;
  return [
    ...(spec?.containers ?? []),
    ...(spec?.initContainers ?? []),
    ...(spec?.ephemeralContainers ?? []),
  ].some((c) => c.name === container);
}

/** Every status of one container name across the pod's sandboxes, newest attempt first. */
async function attempts(runtime: Runtime, sandboxIds: string[], name: string): Promise<ContainerStatus[]> {
  const all: ContainerStatus[] = [];
  for (const id of sandboxIds) all.push(...(await runtime.listContainers(id)).filter((c) => c.name === name));
  return all.sort((a, b) => b.attempt - a.attempt || b.createdAt.getTime() - a.createdAt.getTime());
}

function waitingReason(pod: Pod, container: string): string {
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  return statuses.find((s) => s.name === container)?.state?.waiting?.reason ?? "ContainerCreating";
}

/**
 * The container a logs/exec/attach request names. `previous` picks the attempt before the newest
 * (which must have exited); otherwise the newest attempt, which may have exited too.
 */
export async function resolveContainer(
  runtime: Runtime,
  pods: Pod[],
  namespace: string,
  podName: string,
  containerName: string,
  previous = false,
): Promise<ResolvedContainer> {
  const resolved = await resolvePod(runtime, pods, namespace, podName);
  if (!specHas(resolved.pod, containerName)) {
    throw StatusError.of(404, "NotFound", `container "${containerName}" not found in pod "${podName}"`);
  }
  const uid = resolved.pod.metadata?.uid;
  const sandboxIds = (await runtime.listSandboxes()).filter((s) => s.uid === uid).map((s) => s.id);
  const found = await attempts(runtime, sandboxIds, containerName);
  const chosen = previous ? found[1] : found[0];
  if (previous && (!chosen || chosen.state === "running")) {
    throw StatusError.badRequest(
      `previous terminated container "${containerName}" in pod "${podName}" not found`,
    );
  }
  if (!chosen || !resolved.sandbox) {
    throw StatusError.badRequest(
      `container "${containerName}" in pod "${podName}" is waiting to start: ${waitingReason(resolved.pod, containerName)}`,
    );
  }
  const sandbox = (await runtime.listSandboxes()).find((s) => s.id === chosen.sandboxId) ?? resolved.sandbox;
  return { ...resolved, sandbox, container: chosen };
}
