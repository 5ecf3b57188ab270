// `kube kubelet` as a Component (upstream pkg/kubelet/kubelet.go syncLoop): merges the pod
// sources (manifest dir, manifest URL, the API server's pods bound to this node), runs one
// PodWorker per pod, writes status and mirror pods, keeps the Node and its Lease alive, and
// removes what no source wants any more — also pods left running by a previous kubelet.

import type { ConfigMap, Pod, PodStatus, Secret, Service } from "kubernetes-types/core/v1";
import type { ApiClient } from "../../lib/client/api-client.ts";
import { isStatus } from "../../lib/client/api-client.ts";
import { resource } from "../../lib/client/resource-client.ts";
import { realClock } from "../../lib/clock/clock.ts";
import type { Component } from "../../lib/component.ts";
import { Informer } from "../../lib/informer/informer.ts";
import type { ImageResolver } from "./images/image-resolver.ts";
import { startNodeAgent } from "./node/node-agent.ts";
import { Backoff } from "./pod/backoff.ts";
import type { DnsSettings } from "./pod/etc-files.ts";
import { eventRecorder } from "./pod/events.ts";
import { NO_OBJECTS, type ObjectSource } from "./pod/object-source.ts";
import { removePodDir } from "./pod/pod-volumes.ts";
import { PodWorker } from "./pod/pod-worker.ts";
import { apiTokenFetcher, TokenManager } from "./pod/token-manager.ts";
import type { Runtime } from "./runtime/runtime.ts";
import { type PodSource, watchManifestDir } from "./sources/file-source.ts";
import { CONFIG_HASH, CONFIG_MIRROR, isMirrorPod, isStaticPod } from "./sources/static-pod.ts";
import { pollManifestUrl } from "./sources/url-source.ts";
import { StatusManager } from "./status-manager.ts";

export interface KubeletOptions {
  nodeName: string;
  rootDir: string;
  runtime: Runtime;
  images: ImageResolver;
  /** Joined mode: the API server. Absent: standalone. */
  client?: ApiClient;
  manifestPath?: string;
  manifestUrl?: string;
  fileCheckFrequencyMs?: number;
  registerNode?: boolean;
  nodeLabels?: Record<string, string>;
  maxPods?: number;
  /** The kubelet server's port as the Node advertises it. */
  kubeletPort?: number;
  dns: DnsSettings;
  /** `--node-lease-duration-seconds` (40): the Lease is renewed every quarter of it, as upstream. */
  nodeLeaseDurationSeconds?: number;
  /** `--node-status-update-frequency` (10 s). */
  nodeStatusUpdateFrequencyMs?: number;
  /** First crash-loop back-off delay (doubling to 5 min); default 10 s as upstream. */
  crashLoopBackoffMs?: number;
  /** Stop every pod when the kubelet stops (kube server); upstream leaves them running. */
  stopPodsOnExit?: boolean;
  log: (line: string) => void;
  now?: () => Date;
}

export interface Kubelet extends Component {
  /** The pods this kubelet runs now (static pods included), for the kubelet server. */
  pods(): Pod[];
  /** Stops and removes every pod (used by tests and `kube server` on exit). */
  stopAllPods(): Promise<void>;
}

type SourceName = "file" | "http" | "api";

/** How long a container start waits for the first list of Services (its environment needs them). */
const SERVICES_WAIT_MS = 5000;

function podKey(pod: Pod): string {
  return `${pod.metadata?.namespace ?? "default"}/${pod.metadata?.name}`;
}

export async function startKubelet(options: KubeletOptions): Promise<Kubelet> {
  const { runtime, client, nodeName, log } = options;
  const now = options.now ?? (() => new Date());
  const desired = new Map<SourceName, Map<string, Pod>>();
  const workers = new Map<string, PodWorker>();
  const mirrors = new Map<string, Pod>();
  const statusManager = client ? new StatusManager(client, log) : undefined;
  const sources: PodSource[] = [];
  const backoff = new Backoff(options.crashLoopBackoffMs);
  let stopped = false;
  let settle!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  void fail;

  // Services for the pods' environment variables, watched from the first container start on.
  let services: Informer<Service> | undefined;
  // ServiceAccount tokens for projected volumes, bound to their pods (upstream's token manager).
  // On the wall clock, as the pod workers' refresh timers that use its answers.
  const tokens = client ? new TokenManager({ fetch: apiTokenFetcher(client) }) : undefined;
  const objects: ObjectSource = client
    ? {
        serviceAccountToken: (ns, name, spec) => (tokens as TokenManager).serviceAccountToken(ns, name, spec),
        configMap: (ns, name) => resource<ConfigMap>(client, "configmaps").namespace(ns).getIfExists(name),
        secret: (ns, name) => resource<Secret>(client, "secrets").namespace(ns).getIfExists(name),
        async services() {
          if (!services) {
            services = new Informer<Service>({ client, path: "/api/v1/services", log });
            services.start();
          }
          const synced = services.synced;
          let timer: ReturnType<typeof setTimeout> | undefined;
          const late = new Promise<"late">((resolve) => {
            timer = setTimeout(() => resolve("late"), SERVICES_WAIT_MS);
          });
          const result = await Promise.race([synced.then(() => "synced" as const), late]);
          clearTimeout(timer);
          // Upstream's words; the pod worker reports CreateContainerConfigError and tries again.
          if (result === "late")
            throw new Error("services have not yet been read at least once, cannot construct envvars");
          return services.list();
        },
      }
    : NO_OBJECTS;
  const events = eventRecorder({
    client,
    nodeName,
    log,
    now,
    target: (pod) => (isStaticPod(pod) ? mirrors.get(podKey(pod)) : pod),
  });

  const reportStatus = (pod: Pod, status: PodStatus): void => {
    if (!statusManager) return;
    if (isStaticPod(pod)) {
      const mirror = mirrors.get(podKey(pod));
      if (mirror) statusManager.set(mirror, status);
      return;
    }
    statusManager.set(pod, status);
  };

  const workerDeps = {
    runtime,
    images: options.images,
    rootDir: options.rootDir,
    objects,
    dns: options.dns,
    hostIP: () => runtime.nodeIP,
    events,
    backoff,
    log,
    now,
    clock: realClock,
    reportStatus,
  };

  const allDesired = (): Map<string, Pod> => {
    const all = new Map<string, Pod>();
    for (const pods of desired.values()) for (const [uid, pod] of pods) all.set(uid, pod);
    return all;
  };

  const terminateWorker = (worker: PodWorker, grace: number | undefined, finishDeletion: boolean): void => {
    void worker
      .terminate(grace)
      .then(async () => {
        if (finishDeletion && statusManager) await statusManager.finishDeletion(worker.pod);
      })
      .catch((error: Error) => log(`pod ${podKey(worker.pod)}: termination failed: ${error.message}`))
      .finally(() => {
        tokens?.deleteServiceAccountToken(worker.uid);
        if (workers.get(worker.uid) === worker && !allDesired().has(worker.uid)) workers.delete(worker.uid);
        else if (workers.get(worker.uid) === worker && finishDeletion) workers.delete(worker.uid);
      });
  };

  const desiredPod = (uid: string): Pod | undefined => {
    for (const pods of desired.values()) {
      const pod = pods.get(uid);
      if (pod) return pod;
    }
    return undefined;
  };

  /** Brings one pod's worker in line with what the sources want (the only place workers change). */
  const reconcileOne = (uid: string): void => {
    if (stopped) return;
    const pod = desiredPod(uid);
    let worker = workers.get(uid);
    if (!pod) {
      if (!worker) return;
      log(`pod ${podKey(worker.pod)} removed`);
      if (isStaticPod(worker.pod)) void deleteMirror(worker.pod);
      terminateWorker(worker, isStaticPod(worker.pod) ? undefined : 1, false);
      return;
    }
    if (!worker) {
      worker = new PodWorker(pod, workerDeps);
      workers.set(uid, worker);
      log(`pod ${podKey(pod)} (${isStaticPod(pod) ? "static" : "api"}) added`);
      worker.kick();
    } else if (worker.pod !== pod) {
      // Status writes come back as updates: only a spec or metadata change needs a sync.
      if (podChanged(worker.pod, pod)) worker.update(pod);
      else worker.pod = pod;
      // Another writer changed the status (or a write was lost): write ours again.
      if (statusManager?.observe(pod) && worker.status) statusManager.set(pod, worker.status);
    }
    if (pod.metadata?.deletionTimestamp) {
      terminateWorker(worker, pod.metadata.deletionGracePeriodSeconds ?? undefined, true);
      return;
    }
    if (isStaticPod(pod)) void ensureMirror(pod);
  };

  const setSource = (name: SourceName, pods: Pod[]): void => {
    const old = desired.get(name) ?? new Map<string, Pod>();
    const next = new Map(pods.map((p) => [p.metadata?.uid ?? "", p]));
    desired.set(name, next);
    for (const uid of new Set([...old.keys(), ...next.keys()]))
      if (old.get(uid) !== next.get(uid)) reconcileOne(uid);
  };

  // Mirror pods: a joined kubelet shows its static pods in the API (upstream mirror_client.go).
  const ensureMirror = async (pod: Pod): Promise<void> => {
    if (!client) return;
    const hash = pod.metadata?.annotations?.[CONFIG_HASH];
    const existing = mirrors.get(podKey(pod));
    if (
      existing &&
      existing.metadata?.annotations?.[CONFIG_MIRROR] === hash &&
      !existing.metadata?.deletionTimestamp
    )
      return;
    const pods = resource<Pod>(client, "pods").namespace(pod.metadata?.namespace ?? "");
    try {
      if (existing) {
        await pods.delete(pod.metadata?.name ?? "", {
          gracePeriodSeconds: 0,
          uid: existing.metadata?.uid,
        });
        mirrors.delete(podKey(pod));
      }
      const { uid: _uid, resourceVersion: _rv, ...meta } = pod.metadata ?? {};
      // Owned by the Node, as upstream's mirror_client.go sets it (NodeRestriction requires it).
      const node = await resource<{ metadata?: { uid?: string } }>(client, "nodes").getIfExists(nodeName);
      const owner = node?.metadata?.uid
        ? {
            ownerReferences: [
              { apiVersion: "v1", kind: "Node", name: nodeName, uid: node.metadata.uid, controller: true },
            ],
          }
        : {};
      const mirror: Pod = {
        ...structuredClone(pod),
        metadata: { ...meta, ...owner, annotations: { ...meta.annotations, [CONFIG_MIRROR]: hash ?? "" } },
      };
      const created = await pods.create(mirror);
      mirrors.set(podKey(pod), created);
      const worker = workers.get(pod.metadata?.uid ?? "");
      if (worker?.status && statusManager) statusManager.set(created, worker.status);
    } catch (error) {
      if (!isStatus(error, 409)) log(`mirror pod for ${podKey(pod)}: ${(error as Error).message}`);
    }
  };

  const deleteMirror = async (pod: Pod): Promise<void> => {
    const mirror = mirrors.get(podKey(pod));
    if (!client || !mirror || mirror.metadata?.annotations?.[CONFIG_MIRROR] !== pod.metadata?.uid) return;
    // A newer version of the same static pod keeps the name: its own mirror replaces this one.
    if ([...allDesired().values()].some((p) => podKey(p) === podKey(pod))) return;
    mirrors.delete(podKey(pod));
    const pods = resource(client, "pods").namespace(pod.metadata?.namespace ?? "");
    await pods
      .delete(pod.metadata?.name ?? "", { gracePeriodSeconds: 0, uid: mirror.metadata?.uid })
      .catch((error: Error) => {
        if (!isStatus(error, 404)) log(`mirror pod ${podKey(pod)}: delete failed: ${error.message}`);
      });
  };

  let informer: Informer<Pod> | undefined;
  if (options.manifestPath) {
    sources.push(
      watchManifestDir({
        dir: options.manifestPath,
        nodeName,
        intervalMs: options.fileCheckFrequencyMs ?? 20_000,
        onPods: (pods) => setSource("file", pods),
        log,
      }),
    );
  }
  if (options.manifestUrl) {
    sources.push(
      pollManifestUrl({
        url: options.manifestUrl,
        nodeName,
        intervalMs: options.fileCheckFrequencyMs ?? 20_000,
        onPods: (pods) => setSource("http", pods),
        log,
      }),
    );
  }
  let nodeAgent: ReturnType<typeof startNodeAgent> | undefined;
  if (client) {
    nodeAgent = startNodeAgent({
      client,
      facts: {
        nodeName,
        nodeIP: runtime.nodeIP,
        kubeletPort: options.kubeletPort ?? 10250,
        podCIDR: runtime.podCIDR,
        labels: options.nodeLabels ?? {},
        maxPods: options.maxPods ?? 110,
        runtimeName: runtime.name,
      },
      register: options.registerNode ?? true,
      leaseDurationSeconds: options.nodeLeaseDurationSeconds ?? 40,
      statusIntervalMs: options.nodeStatusUpdateFrequencyMs ?? 10_000,
      now,
      log,
    });
    const api = new Map<string, Pod>();
    desired.set("api", api);
    // A pod already finished is not started again after a kubelet restart (upstream: terminal pods stay terminal).
    const terminal = (p: Pod): boolean => p.status?.phase === "Succeeded" || p.status?.phase === "Failed";
    const apiPod = (pod: Pod): void => {
      const uid = pod.metadata?.uid ?? "";
      if (isMirrorPod(pod)) {
        mirrors.set(podKey(pod), pod);
        return;
      }
      if (terminal(pod) && !workers.has(uid)) return;
      api.set(uid, pod);
      reconcileOne(uid);
    };
    const apiPodGone = (pod: Pod): void => {
      const uid = pod.metadata?.uid ?? "";
      if (isMirrorPod(pod)) {
        if (mirrors.get(podKey(pod))?.metadata?.uid !== uid) return;
        mirrors.delete(podKey(pod));
        // A mirror pod deleted through the API comes back while its static pod runs (upstream).
        for (const p of desired.get("file")?.values() ?? [])
          if (podKey(p) === podKey(pod)) void ensureMirror(p);
        for (const p of desired.get("http")?.values() ?? [])
          if (podKey(p) === podKey(pod)) void ensureMirror(p);
        return;
      }
      api.delete(uid);
      reconcileOne(uid);
    };
    informer = new Informer<Pod>({
      client,
      path: "/api/v1/pods",
      fieldSelector: `spec.nodeName=${nodeName}`,
      onAdd: apiPod,
      onUpdate: (_old, pod) => apiPod(pod),
      onDelete: apiPodGone,
      log,
    });
    informer.start();
    sources.push({ synced: informer.synced, stop: () => void informer?.stop() });
  }

  // Pods a previous kubelet left running that no source wants: removed once every source spoke.
  const cleanupOrphans = async (): Promise<void> => {
    await Promise.all(sources.map((s) => s.synced));
    const want = allDesired();
    let removed = 0;
    for (const sandbox of await runtime.listSandboxes()) {
      if (want.has(sandbox.uid) || workers.has(sandbox.uid)) continue;
      removed++;
      log(`removing orphaned pod ${sandbox.namespace}/${sandbox.name} (${sandbox.uid}): no source wants it`);
      await runtime.stopSandbox(sandbox.id, 2);
      for (const c of await runtime.listContainers(sandbox.id)) await runtime.removeContainer(c.id);
      await runtime.removeSandbox(sandbox.id);
      removePodDir(options.rootDir, sandbox.uid);
    }
    log(`pods from before this start checked: ${removed} no source wants removed`);
  };
  void cleanupOrphans().catch((error: Error) => log(`orphan cleanup failed: ${error.message}`));

  const unsubscribe = runtime.subscribe((event) => {
    for (const worker of workers.values()) if (worker.sandboxId === event.sandboxId) worker.kick();
  });
  const resync = setInterval(() => {
    for (const worker of workers.values()) worker.kick();
  }, 10_000);

  const stopAllPods = async (): Promise<void> => {
    await Promise.all([...workers.values()].map((w) => w.terminate(2)));
    workers.clear();
  };

  return {
    name: "kubelet",
    ready: (nodeAgent?.registered ?? Promise.resolve()).then(() => undefined),
    done,
    pods: () => [...workers.values()].map((w) => (w.status ? { ...w.pod, status: w.status } : w.pod)),
    stopAllPods,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(resync);
      unsubscribe();
      nodeAgent?.stop();
      for (const source of sources) source.stop();
      await informer?.stop();
      await services?.stop();
      if (options.stopPodsOnExit) await stopAllPods();
      else for (const worker of workers.values()) await worker.idle();
      await runtime.close();
      settle();
    },
  };
}

/** A change the pod worker must act on (not just a status write coming back). */
function podChanged(old: Pod, pod: Pod): boolean {
  const a = old.metadata ?? {};
  const b = pod.metadata ?? {};
  return (
    a.deletionTimestamp !== b.deletionTimestamp ||
    JSON.stringify(old.spec) !== JSON.stringify(pod.spec) ||
    JSON.stringify(a.labels) !== JSON.stringify(b.labels) ||
    JSON.stringify(a.annotations) !== JSON.stringify(b.annotations)
  );
}
