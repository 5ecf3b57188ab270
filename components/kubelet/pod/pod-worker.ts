// One pod's worker (upstream pkg/kubelet/pod_workers.go + kuberuntime SyncPod): every sync
// compares the pod spec with what the runtime reports and takes the next steps — sandbox,
// volumes, init containers in order, containers per restart policy with crash-loop back-off,
// probes — then reports status. Syncs of one pod never overlap; termination is one-way.

import type { Container, Pod, PodStatus } from "kubernetes-types/core/v1";
import type { Clock, Timer } from "../../../lib/clock/clock.ts";
import type { ImageResolver } from "../images/image-resolver.ts";
import type { ContainerStatus, Runtime, SandboxStatus } from "../runtime/runtime.ts";
import type { Backoff } from "./backoff.ts";
import { ContainerProbes } from "./container-probes.ts";
import { type ContainerStartContext, startContainerIfDue } from "./container-start.ts";
import { type DnsSettings, hostsFile, podHostname, resolvConf } from "./etc-files.ts";
import { type EventRecorder, type PodEvents, podEvents } from "./events.ts";
import { runHook } from "./lifecycle-hooks.ts";
import type { ObjectSource } from "./object-source.ts";
import { computePodActions } from "./pod-actions.ts";
import { podKey } from "./pod-key.ts";
import { podStatus, type Waiting } from "./pod-status.ts";
import { prepareVolumes, removePodDir } from "./pod-volumes.ts";
import { isProgrammingError } from "./programming-error.ts";
import { statusInputsKey } from "./status-inputs.ts";
import { TerminationMessages } from "./termination-messages.ts";

export interface PodWorkerDeps {
  runtime: Runtime;
  images: ImageResolver;
  rootDir: string;
  objects: ObjectSource;
  dns: DnsSettings;
  hostIP(): string;
  events: EventRecorder;
  backoff: Backoff;
  log(line: string): void;
  /** Status timestamps. */
  now(): Date;
  /** Back-off, volume refresh and retry timing. */
  clock: Clock;
  /** Called after every sync with the pod's computed status. */
  reportStatus(pod: Pod, status: PodStatus): void;
  /** A sync failed with a bug, not a condition to retry: the kubelet crashes. */
  crash(error: Error): void;
}

const DEFAULT_GRACE_SECONDS = 30;
/** How often volume contents are refreshed from the API (upstream's pod resync, about a minute). */
const VOLUME_RESYNC_MS = 60_000;

export class PodWorker {
  private sandbox: SandboxStatus | undefined;
  private volumes: Map<string, string> | undefined;
  /** When configMap, secret, downwardAPI and projected volumes are next rewritten (tokens renewed). */
  private volumesRefreshAt = 0;
  private readonly waiting = new Map<string, Waiting>();
  private readonly probes: ContainerProbes;
  private readonly event: PodEvents;
  private readonly imageIDs = new Map<string, string>();
  private readonly reportedExits = new Set<string>();
  private readonly countedExits = new Set<string>();
  private readonly terminationMessages = new TerminationMessages();
  private timer: Timer | undefined;
  private running: Promise<void> | undefined;
  private dirty = false;
  private terminating: Promise<void> | undefined;
  /** Set by halt(): no sync starts any more (the kubelet is exiting), the pod is left as it is. */
  private halted = false;
  /** What `status` was computed from (spec and statusInputsKey): an unchanged sync reports nothing. */
  private reportedSpec: Pod["spec"];
  private reportedKey: string | undefined;
  status: PodStatus | undefined;

  constructor(
    public pod: Pod,
    private readonly deps: PodWorkerDeps,
  ) {
    this.event = podEvents(deps.events, () => this.pod);
    this.probes = new ContainerProbes(deps.runtime, {
      unhealthy: (spec, _kind, message) => this.event("Warning", "Unhealthy", message, spec),
      restart: (spec, c, kind) => this.restartUnhealthy(spec, c, kind),
      changed: () => this.kick(),
    });
  }

  /** Liveness or startup gave up: preStop, stop, and let the restart policy start it again. */
  private restartUnhealthy(spec: Container, c: ContainerStatus, kind: "liveness" | "startup"): void {
    this.event("Normal", "Killing", `Container ${spec.name} failed ${kind} probe, will be restarted`, spec);
    void this.runPreStopHooks([c], this.graceSeconds())
      .then(() => this.deps.runtime.stopContainer(c.id, this.graceSeconds()))
      .catch((error: Error) => this.deps.log(`pod ${podKey(this.pod)}: stop ${spec.name}: ${error.message}`))
      .finally(() => this.kick());
  }

  get sandboxId(): string | undefined {
    return this.sandbox?.id;
  }

  get uid(): string {
    return this.pod.metadata?.uid ?? "";
  }

  update(pod: Pod): void {
    this.pod = pod;
    this.kick();
  }

  /** Asks for a sync soon; syncs never overlap (a kick during one runs another after it). */
  kick(): void {
    if (this.terminating || this.halted) return;
    if (this.running) {
      this.dirty = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
  }

  /** No further syncs (the kubelet exits); resolves once the one in progress, if any, ended. */
  async halt(): Promise<void> {
    this.halted = true;
    this.timer?.stop();
    this.timer = undefined;
    await this.idle();
  }

  /** Resolves when no sync is in progress. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.dirty = false;
      try {
        await this.sync();
      } catch (error) {
        // A bug (upstream: a panic in the pod worker) crashes the kubelet; anything else retries.
        if (isProgrammingError(error)) return this.deps.crash(error);
        this.deps.log(`pod ${podKey(this.pod)}: sync failed: ${(error as Error).message}`);
        this.later(2000);
      }
    } while (this.dirty && !this.terminating && !this.halted);
  }

  private later(ms: number): void {
    this.timer?.stop();
    this.timer = this.deps.clock.after(Math.max(ms, 0), () => {
      this.timer = undefined;
      this.kick();
    });
  }

  private async ensureSandbox(): Promise<SandboxStatus> {
    if (this.sandbox) return this.sandbox;
    const { runtime } = this.deps;
    const existing = runtime.podSandbox
      ? await runtime.podSandbox(this.uid)
      : (await runtime.listSandboxes()).find((s) => s.uid === this.uid);
    if (existing) {
      this.sandbox = existing;
      return existing;
    }
    const pod = this.pod;
    this.sandbox = await runtime.runSandbox({
      uid: this.uid,
      name: pod.metadata?.name ?? "",
      namespace: pod.metadata?.namespace ?? "default",
      hostNetwork: pod.spec?.hostNetwork ?? false,
      hostPID: pod.spec?.hostPID ?? false,
      hostIPC: pod.spec?.hostIPC ?? false,
      shareProcessNamespace: pod.spec?.shareProcessNamespace ?? false,
      hostname: podHostname(pod),
      hostsFile: hostsFile(pod, "127.0.0.1", this.deps.dns.clusterDomain),
      resolvConf: resolvConf(pod, this.deps.dns),
      labels: {
        "io.kubernetes.pod.name": pod.metadata?.name ?? "",
        "io.kubernetes.pod.namespace": pod.metadata?.namespace ?? "",
      },
    });
    return this.sandbox;
  }

  private async sync(): Promise<void> {
    const { runtime, clock } = this.deps;
    const pod = this.pod;
    const sandbox = await this.ensureSandbox();
    if (!this.volumes || clock.now() >= this.volumesRefreshAt) {
      try {
        const prepared = await prepareVolumes(
          this.deps.rootDir,
          pod,
          this.deps.objects,
          { hostIP: this.deps.hostIP(), podIP: sandbox.ip },
          this.deps.runtime.podFiles !== false,
        );
        this.volumes = prepared.paths;
        const resync = prepared.refreshes ? clock.now() + VOLUME_RESYNC_MS : Number.POSITIVE_INFINITY;
        // At least a second away, so a token due in the past cannot spin the worker.
        this.volumesRefreshAt = Math.max(Math.min(prepared.refreshAt, resync), clock.now() + 1000);
      } catch (error) {
        this.event("Warning", "FailedMount", (error as Error).message);
        if (!this.volumes) {
          this.report(await runtime.listContainers(sandbox.id));
          this.later(5000);
          return;
        }
        // A refresh failed: the containers keep the last contents; try again soon.
        this.volumesRefreshAt = clock.now() + 5000;
      }
    }
    let containers = await runtime.listContainers(sandbox.id);
    this.noteExits(containers);
    const actions = computePodActions(pod, containers);
    for (const { spec, status } of actions.running) this.probes.ensure(spec, status, sandbox.ip);
    const starts = [
      ...actions.ephemeralToStart,
      ...(actions.nextInitContainer ? [actions.nextInitContainer] : actions.containersToStart),
    ];
    let nextWake = Number.POSITIVE_INFINITY;
    for (const { spec, latest, target } of starts) {
      const wake = await startContainerIfDue(this.startContext(), spec, latest, sandbox, target?.id);
      nextWake = Math.min(nextWake, wake);
    }
    if (starts.length > 0) containers = await runtime.listContainers(sandbox.id);
    this.report(containers);
    nextWake = Math.min(nextWake, this.volumesRefreshAt);
    if (Number.isFinite(nextWake)) this.later(nextWake - clock.now());
  }

  private startContext(): ContainerStartContext {
    return {
      ...this.deps,
      pod: this.pod,
      uid: this.uid,
      hostIP: this.deps.hostIP(),
      event: this.event,
      probes: this.probes,
      graceSeconds: this.graceSeconds(),
      volumes: this.volumes ?? new Map(),
      waiting: this.waiting,
      imageIDs: this.imageIDs,
      countedExits: this.countedExits,
    };
  }

  private noteExits(containers: ContainerStatus[]): void {
    for (const c of containers) {
      if (c.state !== "exited" || this.reportedExits.has(c.id)) continue;
      this.reportedExits.add(c.id);
      this.probes.stop(c.id);
    }
  }

  private graceSeconds(): number {
    return this.pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
  }

  /** Runs the preStop hooks of running containers (in parallel), within the grace period. */
  private async runPreStopHooks(containers: ContainerStatus[], graceSeconds: number): Promise<void> {
    const sandbox = this.sandbox;
    await Promise.all(
      containers.map(async (c) => {
        const spec = this.pod.spec?.containers.find((s) => s.name === c.name);
        const handler = spec?.lifecycle?.preStop;
        if (!spec || !handler || c.state !== "running" || !sandbox) return;
        const target = { runtime: this.deps.runtime, containerId: c.id, podIP: sandbox.ip, container: spec };
        const failure = await runHook(handler, target, graceSeconds * 1000);
        if (failure !== undefined)
          this.event("Warning", "FailedPreStopHook", `PreStopHook failed: ${failure}`, spec);
      }),
    );
  }

  /**
   * Computes and reports the status, unless nothing it depends on changed since the last report
   * (the periodic resync of a steady pod: no rebuild, no write); `force` for the final one.
   */
  private report(containers: ContainerStatus[], force = false): void {
    const hostIP = this.deps.hostIP();
    const key = statusInputsKey({
      sandbox: this.sandbox,
      containers,
      waiting: this.waiting,
      ready: this.probes.ready,
      started: this.probes.started,
      imageIDs: this.imageIDs,
      hostIP,
    });
    if (!force && this.status && this.reportedSpec === this.pod.spec && this.reportedKey === key) return;
    const status = podStatus({
      pod: this.pod,
      sandbox: this.sandbox,
      containers: containers.map((c) => this.terminationMessages.apply(this.pod, c)),
      waiting: this.waiting,
      ready: this.probes.ready,
      started: this.probes.started,
      hostIP,
      imageIDs: this.imageIDs,
      now: this.deps.now(),
      // Upstream: the status manager's cached status, else the API's (a restarted kubelet keeps
      // the start and transition times of the pods it adopts).
      previous: this.status ?? this.pod.status,
    });
    this.status = status;
    this.reportedSpec = this.pod.spec;
    this.reportedKey = key;
    this.deps.reportStatus(this.pod, status);
  }

  /**
   * Stops every container (SIGTERM, grace period, SIGKILL), reports the final status and
   * removes the sandbox and the pod's volumes. Idempotent; later kicks do nothing.
   */
  terminate(gracePeriodSeconds?: number): Promise<void> {
    this.terminating ??= (async () => {
      this.timer?.stop();
      await this.idle();
      this.probes.stopAll();
      const grace =
        gracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
      const { runtime } = this.deps;
      const sandbox = this.sandbox ?? (await runtime.listSandboxes()).find((s) => s.uid === this.uid);
      this.sandbox = sandbox;
      if (sandbox) {
        const containers = await runtime.listContainers(sandbox.id);
        for (const c of containers.filter((x) => x.state === "running")) {
          const spec = this.pod.spec?.containers.find((s) => s.name === c.name);
          if (spec) this.event("Normal", "Killing", `Stopping container ${c.name}`, spec);
        }
        const started = this.deps.clock.now();
        if (grace > 0) await this.runPreStopHooks(containers, grace);
        const left = Math.max(0, grace - Math.floor((this.deps.clock.now() - started) / 1000));
        await runtime.stopSandbox(sandbox.id, left);
        this.report(await runtime.listContainers(sandbox.id), true);
        for (const c of await runtime.listContainers(sandbox.id)) await runtime.removeContainer(c.id);
        await runtime.removeSandbox(sandbox.id);
      }
      removePodDir(this.deps.rootDir, this.uid);
      this.deps.backoff.forget(`${this.uid}/`);
    })();
    return this.terminating;
  }
}
