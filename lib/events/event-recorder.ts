// Records Events about API objects for controllers and the scheduler (client-go tools/record):
// core/v1 Events with upstream's reasons, posted best-effort; a repeat of the same event within
// ten minutes bumps its count instead of creating another (the recorder's aggregation).

import type { ApiClient } from "../client/api-client.ts";
import { resource } from "../client/resource-client.ts";

export interface EventTarget {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
}

export type EventType = "Normal" | "Warning";

export interface EventRecorder {
  event(object: EventTarget, type: EventType, reason: string, message: string): void;
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
}): EventRecorder {
  const { client, component } = options;
  const now = options.now ?? (() => new Date());
  const recent = new Map<string, Recorded>();
  return {
    event(object, type, reason, message) {
      const meta = object.metadata ?? {};
      const namespace = meta.namespace || "default";
      const key = `${meta.uid}/${type}/${reason}/${message}`;
      const time = now();
      const old = recent.get(key);
      if (recent.size > 4096) recent.clear();
      const events = resource(client, "events").namespace(namespace);
      if (old && time.getTime() - old.at < 600_000) {
        old.count++;
        old.at = time.getTime();
        events
          .patch(old.name, { count: old.count, lastTimestamp: seconds(time) })
          .catch((error: Error) => options.log?.(`event ${reason}: ${error.message}`));
        return;
      }
      const name = `${meta.name}.${(time.getTime() * 1000 + Math.floor(Math.random() * 1000)).toString(16)}`;
      recent.set(key, { name, namespace, count: 1, firstTimestamp: seconds(time), at: time.getTime() });
      events
        .create({
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
          },
          reason,
          message,
          type,
          source: { component, host: options.host },
          firstTimestamp: seconds(time),
          lastTimestamp: seconds(time),
          count: 1,
          reportingComponent: component,
          reportingInstance: options.host ?? "",
        })
        .catch((error: Error) => options.log?.(`event ${reason}: ${error.message}`));
    },
  };
}
