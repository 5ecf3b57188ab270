// Records Events about API objects for controllers, the scheduler and the kubelet (client-go
// tools/record): core/v1 Events with upstream's reasons, queued to an EventSink (never awaited); a
// repeat of the same event within ten minutes bumps its count instead of creating another.

import type { ApiClient } from "../client/api-client.ts";
import { EventSink } from "./event-sink.ts";

export interface EventTarget {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
}

export type EventType = "Normal" | "Warning";

export interface EventRecorder {
  /** `fieldPath` names the part of the object (a pod's container: `spec.containers{web}`). */
  event(object: EventTarget, type: EventType, reason: string, message: string, fieldPath?: string): void;
}

interface Recorded {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
  at: number;
}

function seconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export function createEventRecorder(options: {
  client: ApiClient;
  /** "replicaset-controller", "default-scheduler", ... */
  component: string;
  host?: string;
  log?: (line: string) => void;
  now?: () => Date;
  /** Shared by the recorders of one process part; default: one of its own. */
  sink?: EventSink;
}): EventRecorder {
  const { client, component } = options;
  const now = options.now ?? (() => new Date());
  const sink = options.sink ?? new EventSink({ client, ...(options.log ? { log: options.log } : {}) });
  const recent = new Map<string, Recorded>();
  return {
    event(object, type, reason, message, fieldPath) {
      const meta = object.metadata ?? {};
      const namespace = meta.namespace || "default";
      const key = `${meta.uid}/${fieldPath ?? ""}/${type}/${reason}/${message}`;
      const time = now();
      const old = recent.get(key);
      if (recent.size > 4096) recent.clear();
      if (old && time.getTime() - old.at < 600_000) {
        old.count++;
        old.at = time.getTime();
        sink.write({
          namespace,
          reason,
          patch: { name: old.name, body: { count: old.count, lastTimestamp: seconds(time) } },
        });
        return;
      }
      const name = `${meta.name}.${(time.getTime() * 1000 + Math.floor(Math.random() * 1000)).toString(16)}`;
      recent.set(key, { name, namespace, count: 1, firstTimestamp: seconds(time), at: time.getTime() });
      sink.write({
        namespace,
        reason,
        create: {
          apiVersion: "v1",
          kind: "Event",
          metadata: { name, namespace },
          involvedObject: {
            apiVersion: object.apiVersion,
            kind: object.kind,
            name: meta.name,
            namespace: meta.namespace,
            uid: meta.uid,
            resourceVersion: meta.resourceVersion,
            ...(fieldPath !== undefined ? { fieldPath } : {}),
          },
          reason,
          message,
          type,
          source: { component, ...(options.host !== undefined ? { host: options.host } : {}) },
          firstTimestamp: seconds(time),
          lastTimestamp: seconds(time),
          count: 1,
          reportingComponent: component,
          reportingInstance: options.host ?? "",
        },
      });
    },
  };
}
