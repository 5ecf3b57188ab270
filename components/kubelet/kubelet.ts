// `kube kubelet` as a Component (upstream pkg/kubelet/kubelet.go syncLoop): merges the pod
// sources (manifest dir, manifest URL, the API server's pods bound to this node), runs one
// PodWorker per pod, writes status and mirror pods, keeps the Node and its Lease alive, and
// removes what no source wants any more — also pods left running by a previous kubelet.

import type { Pod, PodStatus } from "kubernetes-types/core/v1";
import type { ApiClient } from "../../lib/client/api-client.ts";
import { realClock } from "../../lib/clock/clock.ts";
import type { Component } from "../../lib/component.ts";
import type { ImageResolver } from "./images/image-resolver.ts";
import { startNodeAgent } from "./node/node-agent.ts";
import { apiObjects } from "./pod/api-objects.ts";
import { appArmorAdmission, appArmorEnabled } from "./pod/apparmor-admission.ts";
import { Backoff } from "./pod/backoff.ts";
import type { DnsSettings } from "./pod/etc-files.ts";
import { eventRecorder } from "./pod/events.ts";
import { killAllPods } from "./pod/kill-pods.ts";
import { MirrorPods } from "./pod/mirror-pods.ts";
import { NO_OBJECTS } from "./pod/object-source.ts";
import { removeOrphanedPods } from "./pod/orphaned-pods.ts";
import { podChanged } from "./pod/pod-changed.ts";
import { podKey } from "./pod/pod-key.ts";
import { PodWorker } from "./pod/pod-worker.ts";
import { PodResync } from "./pod-resync.ts";
import type { Runtime } from "./runtime/runtime.ts";
import { type ApiPodSource, watchApiPods } from "./sources/api-source.ts";
import { type PodSource, watchManifestDir } from "./sources/file-source.ts";
import { PodConfig } from "./sources/pod-config.ts";
import { isMirrorPod, isStaticPod } from "./sources/static-pod.ts";
import { pollManifestUrl } from "./sources/url-source.ts";
import { StatusManager } from "./status-manager.ts";

/** Upstream's --sync-frequency default: the longest a pod worker goes without a sync. */
const SYNC_FREQUENCY_MS = 60_000;

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
  /** `--node-ip`: the Node's InternalIP and pods' hostIP (default: the runtime's node IP). */
  nodeIP?: string;
  dns: DnsSettings;
  /** `--node-lease-duration-seconds` (40): the Lease is renewed every quarter of it, as upstream. */
  nodeLeaseDurationSeconds?: number;
  /** `--node-status-update-frequency` (10 s). */
  nodeStatusUpdateFrequencyMs?: number;
  /** First crash-loop back-off delay (doubling to 5 min); default 10 s as upstream. */
  crashLoopBackoffMs?: number;
  /**
   * Stop every pod (within its grace period) when the kubelet stops: kube server, and
   * `kube kubelet` on Ctrl-C; asked at stop time. Upstream leaves them running.
   */
  stopPodsOnExit?: boolean | (() => boolean);
  log: (line: string) => void;
  now?: () => Date;
}

export interface Kubelet extends Component {
  /** The pods this kubelet runs now (static pods included), for the kubelet server. */
  pods(): Pod[];
  /** Stops and removes every pod (used by tests and `kube server` on exit). */
  stopAllPods(): Promise<void>;
  /**
   * Stops at once (a second Ctrl-C): every pod's processes killed without grace, its sandbox,
   * network namespace and volumes removed, then the bridge. Safe while stop() still runs.
   */
  kill(): Promise<void>;
}

export async function startKubelet(options: KubeletOptions): Promise<Kubelet> {
  const { runtime, client, nodeName, log } = options;
  const now = options.now ?? (() => new Date());
  const workers = new Map<string, PodWorker>();
  /** Pods the kubelet refused to run (upstream's rejectPod): Failed, never given a worker. */
  const rejected = new Set<string>();
  const appArmor = appArmorEnabled();
  // Every change a source makes to a pod goes to reconcileOne (the only place workers change).
  const config = new PodConfig((uid) => reconcileOne(uid));
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
  // A crash rejects `done` (the Component contract); the supervisor then stops the kubelet.
  const crash = (error: Error): void => {
    if (stopped) return;
    log(`kubelet crashed: ${error.stack ?? error.message}`);
    fail(error);
  };

  // ConfigMaps, Secrets, Services and ServiceAccount tokens for the pods (joined mode only).
  const api = client ? apiObjects(client, log) : undefined;
  const objects = api?.objects ?? NO_OBJECTS;
  const events = eventRecorder({
    client,
    nodeName,
    log,
    now,
    target: (pod) => (isStaticPod(pod) ? mirrors.get(pod) : pod),
  });

  const reportStatus = (pod: Pod, status: PodStatus): void => {
    if (!statusManager) return;
    if (isStaticPod(pod)) {
      const mirror = mirrors.get(pod);
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
    hostIP: () => options.nodeIP ?? runtime.nodeIP,
    events,
    backoff,
    log,
    now,
    clock: realClock,
    reportStatus,
    crash,
  };

  const terminateWorker = (worker: PodWorker, grace: number | undefined, finishDeletion: boolean): void => {
    void worker
      .terminate(grace)
      .then(async () => {
        if (finishDeletion && statusManager) await statusManager.finishDeletion(worker.pod);
      })
      .catch((error: Error) => log(`pod ${podKey(worker.pod)}: termination failed: ${error.message}`))
      .finally(() => {
        api?.tokens.deleteServiceAccountToken(worker.uid);
        if (workers.get(worker.uid) === worker && !config.all().has(worker.uid)) workers.delete(worker.uid);
        else if (workers.get(worker.uid) === worker && finishDeletion) workers.delete(worker.uid);
      });
  };

  /** Brings one pod's worker in line with what the sources want (the only place workers change). */
  const reconcileOne = (uid: string): void => {
    if (stopped) return;
    const pod = config.get(uid);
    let worker = workers.get(uid);
    if (!pod) {
      rejected.delete(uid);
      if (!worker) return;
      log(`pod ${podKey(worker.pod)} removed`);
      if (isStaticPod(worker.pod)) void mirrors.delete(worker.pod);
      terminateWorker(worker, isStaticPod(worker.pod) ? undefined : 1, false);
      return;
    }
    if (!worker && !rejected.has(uid)) {
      const rejection = appArmorAdmission(pod, appArmor);
      if (rejection) {
        rejected.add(uid);
        log(`pod ${podKey(pod)} rejected: ${rejection.message}`);
        events.record(pod, "Warning", rejection.reason, rejection.message);
        reportStatus(pod, {
          phase: "Failed",
          reason: rejection.reason,
          message: `Pod was rejected: ${rejection.message}`,
        });
      }
    }
    if (!worker && rejected.has(uid)) {
      if (pod.metadata?.deletionTimestamp && statusManager)
        void statusManager
          .finishDeletion(pod)
          .catch((error: Error) => log(`pod ${podKey(pod)}: ${error.message}`));
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
    // Upstream creates mirror pods once its Node exists (the mirror is owned by it).
    if (isStaticPod(pod) && nodeRegistered) void mirrors.ensure(pod);
  };
  let nodeRegistered = false;

  // Mirror pods: a joined kubelet shows its static pods in the API.
  const mirrors = new MirrorPods({
    client,
    nodeName,
    log,
    desired: () => config.all().values(),
    created: (pod, mirror) => {
      const worker = workers.get(pod.metadata?.uid ?? "");
      if (worker?.status && statusManager) statusManager.set(mirror, worker.status);
    },
  });

  let apiSource: ApiPodSource | undefined;
  if (options.manifestPath) {
    sources.push(
      watchManifestDir({
        dir: options.manifestPath,
        nodeName,
        intervalMs: options.fileCheckFrequencyMs ?? 20_000,
        onPods: (pods) => config.set("file", pods),
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
        onPods: (pods) => config.set("http", pods),
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
        nodeIP: options.nodeIP ?? runtime.nodeIP,
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
    void nodeAgent.registered.then(() => {
      nodeRegistered = true;
      if (stopped) return;
      for (const pod of config.all().values()) if (isStaticPod(pod)) void mirrors.ensure(pod);
    });
    config.declare("api");
    // A pod already finished is not started again after a kubelet restart (upstream: terminal pods stay terminal).
    const terminal = (p: Pod): boolean => p.status?.phase === "Succeeded" || p.status?.phase === "Failed";
    const onPod = (pod: Pod): void => {
      const uid = pod.metadata?.uid ?? "";
      if (isMirrorPod(pod)) {
        mirrors.seen(pod);
        return;
      }
      if (terminal(pod) && !workers.has(uid)) return;
      config.upsert("api", pod);
    };
    const onPodGone = (pod: Pod): void => {
      if (isMirrorPod(pod)) mirrors.gone(pod);
      else config.remove("api", pod.metadata?.uid ?? "");
    };
    apiSource = watchApiPods({ client, nodeName, onPod, onPodGone, log });
    sources.push(apiSource);
  }

  // Pods a previous kubelet left running that no source wants: removed once every source spoke.
  const cleanupOrphans = async (): Promise<void> => {
    await Promise.all(sources.map((s) => s.synced));
    const want = config.all();
    const removed = await removeOrphanedPods({
      runtime,
      rootDir: options.rootDir,
      wanted: (uid) => want.has(uid) || workers.has(uid),
      log,
    });
    log(`pods from before this start checked: ${removed} no source wants removed`);
  };
  void cleanupOrphans().catch((error: Error) => log(`orphan cleanup failed: ${error.message}`));

  const unsubscribe = runtime.subscribe((event) => {
    if (event.type === "closed")
      return crash(new Error("the container runtime closed while the kubelet runs"));
    for (const worker of workers.values()) if (worker.sandboxId === event.sandboxId) worker.kick();
  });
  // Upstream's --sync-frequency (1m): each worker syncs at least once a minute (runtime events and
  // its own timers wake it sooner), the workers spread over the minute rather than all at once.
  const periodic = new PodResync(workers, SYNC_FREQUENCY_MS, 1000);
  const resync = setInterval(() => {
    for (const worker of periodic.due()) worker.kick();
  }, periodic.tickMs);

  const stopAllPods = async (): Promise<void> => {
    await Promise.all([...workers.values()].map((w) => w.terminate(2)));
    workers.clear();
  };

  /** Ends sources, watches and timers; no worker syncs after it. */
  const quiesce = async (): Promise<void> => {
    stopped = true;
    clearInterval(resync);
    unsubscribe();
    mirrors.stop();
    nodeAgent?.stop();
    for (const source of sources) source.stop();
    await Promise.all([apiSource?.stop(), api?.stop()]);
    // A worker mid-sync finishes that sync (bounded: nothing waits on the API any more).
    await Promise.all([...workers.values()].map((w) => w.halt()));
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await quiesce();
      const stopPods =
        typeof options.stopPodsOnExit === "function" ? options.stopPodsOnExit() : options.stopPodsOnExit;
      if (stopPods) {
        // Each pod within its own grace period, all at once.
        await Promise.all([...workers.values()].map((w) => w.terminate()));
        workers.clear();
      }
      await runtime.close();
      settle();
    })();
    return stopping;
  };

  return {
    name: "kubelet",
    ready: (nodeAgent?.registered ?? Promise.resolve()).then(() => undefined),
    done,
    pods: () => [...workers.values()].map((w) => (w.status ? { ...w.pod, status: w.status } : w.pod)),
    stopAllPods,
    stop,
    async kill() {
      stopped = true;
      clearInterval(resync);
      mirrors.stop();
      await killAllPods(runtime, workers.keys(), options.rootDir, log);
      await runtime.close();
      settle();
    },
  };
}
