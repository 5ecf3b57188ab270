// GET /containerLogs/{namespace}/{pod}/{container}: the container's CRI log as plain text, with
// upstream's query (pkg/kubelet/server/server.go getContainerLogs, PodLogOptions): follow,
// tailLines, sinceSeconds, sinceTime, timestamps, previous, limitBytes.
import type { Pod } from "kubernetes-types/core/v1";
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { containerLogStream } from "./container-log-stream.ts";
import { resolveContainer } from "./pod-resolver.ts";
import { queryBool } from "./status-response.ts";

function nonNegative(url: URL, name: string): number | undefined {
  const v = url.searchParams.get(name);
  if (v === null || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw StatusError.badRequest(`${name}: Invalid value: "${v}": must be a non-negative integer`);
  return n;
}

export async function containerLogs(
  runtime: Runtime,
  pods: Pod[],
  namespace: string,
  podName: string,
  containerName: string,
  url: URL,
  now: number = Date.now(),
): Promise<Response> {
  const previous = queryBool(url, "previous");
  const follow = queryBool(url, "follow");
  const sinceSeconds = nonNegative(url, "sinceSeconds");
  const sinceTime = url.searchParams.get("sinceTime");
  let sinceMs: number | undefined;
  if (sinceSeconds !== undefined) sinceMs = now - sinceSeconds * 1000;
  if (sinceTime) {
    sinceMs = Date.parse(sinceTime);
    if (Number.isNaN(sinceMs))
      throw StatusError.badRequest(`sinceTime: Invalid value: "${sinceTime}": not RFC3339`);
  }
  const tailLines = nonNegative(url, "tailLines");
  const limitBytes = nonNegative(url, "limitBytes");
  const { container } = await resolveContainer(runtime, pods, namespace, podName, containerName, previous);
  const stream = containerLogStream({
    path: container.logPath,
    follow: follow && !previous,
    timestamps: queryBool(url, "timestamps"),
    ...(sinceMs !== undefined ? { sinceMs } : {}),
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(limitBytes !== undefined ? { limitBytes } : {}),
    running: async () => {
      const now = (await runtime.listContainers(container.sandboxId)).find((c) => c.id === container.id);
      return now?.state === "running" || now?.state === "created";
    },
  });
  return new Response(stream, { headers: { "Content-Type": "text/plain" } });
}
