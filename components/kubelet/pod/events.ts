// Events the kubelet records about pods (Pulled, Created, Started, Killing, BackOff, Failed,
// Unhealthy, FailedMount), posted to the API best-effort; standalone, they go to the log.
// Upstream: pkg/kubelet/events/event.go reasons; client-go tools/record.

import type { Container, Pod } from "kubernetes-types/core/v1";
import type { ApiClient } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import { containerFieldPath } from "./container-field-path.ts";
import { rfc3339 } from "./pod-status.ts";

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
  return {
    record(pod, type, reason, message, fieldPath) {
      const name = pod.metadata?.name ?? "";
      const namespace = pod.metadata?.namespace ?? "default";
      log(`event ${type} ${reason} pod ${namespace}/${name}: ${message}`);
      const target = options.target ? options.target(pod) : pod;
      if (!client || !target) return;
      const time = rfc3339(now());
      const event = {
        apiVersion: "v1",
        kind: "Event",
        metadata: {
          name: `${name}.${(Date.now() * 1000 + Math.floor(Math.random() * 1000)).toString(16)}`,
          namespace,
        },
        involvedObject: {
          apiVersion: "v1",
          kind: "Pod",
          name: target.metadata?.name,
          namespace,
          uid: target.metadata?.uid,
          resourceVersion: target.metadata?.resourceVersion,
          fieldPath,
        },
        reason,
        message,
        type,
        source: { component: "kubelet", host: nodeName },
        firstTimestamp: time,
        lastTimestamp: time,
        count: 1,
        reportingComponent: "kubelet",
        reportingInstance: nodeName,
      };
      resource(client, "events")
        .namespace(namespace)
        .create(event)
        .catch((error: Error) => {
          log(`event ${reason} for pod ${namespace}/${name} not recorded: ${error.message}`);
        });
    },
  };
}
