// Events the kubelet records about pods (Pulled, Created, Started, Killing, BackOff, Failed,
// Unhealthy, FailedMount), queued to the API best-effort; standalone, they go to the log.
// Upstream: pkg/kubelet/events/event.go reasons; client-go tools/record.

import type { Container, Pod } from "kubernetes-types/core/v1";
import type { ApiClient } from "../../../lib/client/api-client.ts";
import { createEventRecorder } from "../../../lib/events/event-recorder.ts";
import { containerFieldPath } from "./container-field-path.ts";

export type EventType = "Normal" | "Warning";

export interface EventRecorder {
  record(pod: Pod, type: EventType, reason: string, message: string, fieldPath?: string): void;
}

/** Records an event about one pod, naming the container (its field path) when one is given. */
export type PodEvents = (type: EventType, reason: string, message: string, container?: Container) => void;

/** The one place a pod worker records events: always about the pod's current version. */
export function podEvents(recorder: EventRecorder, pod: () => Pod): PodEvents {
  return (type, reason, message, container) => {
    const current = pod();
    recorder.record(current, type, reason, message, container && containerFieldPath(current, container));
  };
}

export function eventRecorder(options: {
  client: ApiClient | undefined;
  nodeName: string;
  log: (line: string) => void;
  now: () => Date;
  /** The API object events are about: a static pod's mirror pod when there is one. */
  target?: (pod: Pod) => Pod | undefined;
}): EventRecorder {
  const { client, nodeName, log, now } = options;
  // Upstream's kubelet: one broadcaster, its events written one at a time behind the pod's own
  // writes (status), never awaited by a pod worker; repeats become count bumps.
  const api = client
    ? createEventRecorder({ client, component: "kubelet", host: nodeName, log, now })
    : undefined;
  return {
    record(pod, type, reason, message, fieldPath) {
      const name = pod.metadata?.name ?? "";
      const namespace = pod.metadata?.namespace ?? "default";
      log(`event ${type} ${reason} pod ${namespace}/${name}: ${message}`);
      const target = options.target ? options.target(pod) : pod;
      if (!api || !target) return;
      const metadata = { ...target.metadata, namespace };
      api.event({ apiVersion: "v1", kind: "Pod", metadata }, type, reason, message, fieldPath);
    },
  };
}
