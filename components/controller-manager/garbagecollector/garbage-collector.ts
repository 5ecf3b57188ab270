// The garbage collector controller (upstream pkg/controller/garbagecollector): informers on every
// resource that can be listed, watched and deleted feed the ownerReference graph; workers delete
// dependents whose owners are gone and honour the foregroundDeletion and orphan finalizers.

import type { ObjectMeta } from "kubernetes-types/meta/v1";
import { RESOURCES } from "../../../lib/api/resources.ts";
import { Informer } from "../../../lib/informer/informer.ts";
import { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { runController } from "../common/run-controller.ts";
import type { ControllerContext, ControllerDescriptor, RunningController } from "../controller.ts";
import { attemptToDeleteItem, type CollectorState, orphanDependents } from "./attempt-to-delete.ts";
import { DependencyGraph, type ObjectIdentity } from "./dependency-graph.ts";
import {
  type ApiResource,
  apiVersionOf,
  collectionPath,
  discoverResources,
  withVerbs,
} from "./discover-resources.ts";
import { RestMapper } from "./rest-mapper.ts";

export interface GarbageCollectorOptions {
  /** How often discovery is repeated to monitor new resources (upstream 30 s). */
  discoveryIntervalMs?: number;
  /** "group/resource" never monitored; default core and events.k8s.io events, as upstream. */
  ignoredResources?: string[];
}

interface Meta {
  metadata?: ObjectMeta;
}

interface Monitor {
  resource: ApiResource;
  informer: Informer<Meta>;
  /** Informers this collector owns (custom resources) are stopped when the resource goes away. */
  owned: boolean;
}

const CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

export interface GarbageCollector extends RunningController {
  readonly graph: DependencyGraph;
  /** Resolves once the first discovery's monitors have listed. */
  readonly synced: Promise<void>;
  /** Repeats discovery now: new resources are monitored, vanished custom resources dropped. */
  resync(): Promise<void>;
  /** One attemptToDelete pass for a uid (what the workers run). */
  sync(uid: string): Promise<void>;
}

export function startGarbageCollector(
  context: ControllerContext,
  options: GarbageCollectorOptions = {},
): GarbageCollector {
  const { client, log } = context;
  const ignored = new Set(options.ignoredResources ?? ["/events", "events.k8s.io/events"]);
  const deleteQueue = new WorkQueue();
  const orphanQueue = new WorkQueue();
  const graph = new DependencyGraph({
    attemptToDelete: (node) => deleteQueue.add(node.identity.uid),
    attemptToOrphan: (node) => orphanQueue.add(node.identity.uid),
  });
  const monitors = new Map<string, Monitor>();
  let mapper = new RestMapper([]);
  const state: CollectorState = {
    client,
    graph,
    mapper: () => mapper,
    absentOwners: new Set(),
    requeue: (node) => deleteQueue.add(node.identity.uid),
    unmapped: () => scheduleResync(),
    log,
  };
  const builtin = new Set(RESOURCES.map((r) => `${r.group}/${r.plural}`));

  const monitor = (resource: ApiResource): Monitor => {
    const identity = (object: Meta): ObjectIdentity => ({
      apiVersion: apiVersionOf(resource),
      kind: resource.kind,
      namespace: object.metadata?.namespace,
      name: object.metadata?.name ?? "",
      uid: object.metadata?.uid ?? "",
    });
    const handlers = {
      onAdd: (object: Meta) => graph.observe(identity(object), object.metadata ?? {}),
      onUpdate: (_old: Meta, object: Meta) => graph.observe(identity(object), object.metadata ?? {}),
      onDelete: (object: Meta) => {
        const uid = object.metadata?.uid;
        if (!uid) return;
        state.absentOwners.add(uid);
        graph.remove(uid);
      },
    };
    const path = collectionPath(resource);
    const owned = !builtin.has(`${resource.group}/${resource.resource}`);
    let informer: Informer<Meta>;
    if (owned) {
      informer = new Informer<Meta>({ client, path, log, ...handlers });
      informer.start();
    } else {
      informer = context.informers.for<Meta>(path);
      informer.addHandlers(handlers);
    }
    return { resource, informer, owned };
  };

  let resyncing: Promise<void> | undefined;
  const doResync = async (): Promise<void> => {
    const discovery = await discoverResources(client);
    for (const [gv, reason] of discovery.failed) log(`discovery of ${gv} failed: ${reason}`);
    mapper = new RestMapper(discovery.resources);
    const wanted = new Map<string, ApiResource>();
    for (const r of withVerbs(discovery.resources, ["delete", "list", "watch"])) {
      const key = `${r.group}/${r.resource}`;
      if (!ignored.has(key)) wanted.set(key, r);
    }
    for (const [key, resource] of wanted) if (!monitors.has(key)) monitors.set(key, monitor(resource));
    for (const [key, m] of monitors) {
      // A group that failed discovery keeps its monitors: absence there proves nothing.
      if (wanted.has(key) || !m.owned || discovery.failed.has(apiVersionOf(m.resource))) continue;
      monitors.delete(key);
      await m.informer.stop();
      log(`stopped monitoring ${key}`);
    }
  };
  const resync = (): Promise<void> => {
    resyncing ??= doResync().finally(() => {
      resyncing = undefined;
    });
    return resyncing;
  };

  let stopped = false;
  const stopping = Promise.withResolvers<void>();
  let debounce: ReturnType<typeof setTimeout> | undefined;
  const scheduleResync = (): void => {
    if (stopped || debounce) return;
    debounce = setTimeout(() => {
      debounce = undefined;
      resync().catch((error: Error) => log(`discovery: ${error.message}`));
    }, 100);
  };
  context.informers.for(CRDS).addHandlers({
    onAdd: scheduleResync,
    onUpdate: scheduleResync,
    onDelete: scheduleResync,
  });
  const interval = setInterval(scheduleResync, options.discoveryIntervalMs ?? 30_000);

  const synced = (async () => {
    for (;;) {
      try {
        await resync();
        break;
      } catch (error) {
        log(`initial discovery failed: ${(error as Error).message}; retrying`);
        if (stopped) return;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    // A resource whose LIST keeps failing must not keep stop() waiting.
    await Promise.race([Promise.all([...monitors.values()].map((m) => m.informer.synced)), stopping.promise]);
  })();

  const deleting = runController(context, {
    queue: deleteQueue,
    sync: (uid) => attemptToDeleteItem(state, uid),
    synced: [synced],
    onSynced: () => log(`dependency graph synced: ${graph.size} objects over ${monitors.size} resources`),
  });
  const orphaning = runController(context, {
    queue: orphanQueue,
    sync: (uid) => orphanDependents(state, uid),
    synced: [synced],
  });

  return {
    graph,
    synced,
    resync,
    sync: (uid) => attemptToDeleteItem(state, uid),
    async stop() {
      stopped = true;
      stopping.resolve();
      clearInterval(interval);
      clearTimeout(debounce);
      await Promise.all([
        deleting.stop(),
        orphaning.stop(),
        ...[...monitors.values()].filter((m) => m.owned).map((m) => m.informer.stop()),
      ]);
    },
  };
}

export const garbageCollectorController: ControllerDescriptor = {
  name: "garbagecollector",
  start: (context) => startGarbageCollector(context),
};
