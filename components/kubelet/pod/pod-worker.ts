// One pod's worker (upstream pkg/kubelet/pod_workers.go + kuberuntime SyncPod): every sync
// compares the pod spec with what the runtime reports and takes the next steps — sandbox,
// volumes, init containers in order, containers per restart policy with crash-loop back-off,
// probes — then reports status. Syncs of one pod never overlap; termination is one-way.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Container, Pod, PodStatus } from "kubernetes-types/core/v1";
import { quantityValue } from "../../../lib/api/quantity.ts";
import { ImagePullError } from "../images/image-pull-error.ts";
import type { ImageResolver } from "../images/image-resolver.ts";
import type { ContainerStatus, Runtime, SandboxStatus } from "../runtime/runtime.ts";
import type { Backoff } from "./backoff.ts";
import { containerArgv } from "./container-argv.ts";
import { containerEnv } from "./container-env.ts";
import { containerFieldPath } from "./container-field-path.ts";
import { ContainerProbes } from "./container-probes.ts";
import { type DnsSettings, hostsFile, podHostname, resolvConf } from "./etc-files.ts";
import type { EventRecorder } from "./events.ts";
import { runHook } from "./lifecycle-hooks.ts";
import type { ObjectSource } from "./object-source.ts";
import { attemptsByName, podStatus, type Waiting } from "./pod-status.ts";
import { containerMounts, podDir, prepareVolumes, removePodDir } from "./pod-volumes.ts";
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
  now(): Date;
  /** Called after every sync with the pod's computed status. */
  reportStatus(pod: Pod, status: PodStatus): void;
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
  private readonly imageIDs = new Map<string, string>();
  private readonly reportedExits = new Set<string>();
  private readonly countedExits = new Set<string>();
  private readonly terminationMessages = new TerminationMessages();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private dirty = false;
  private terminating: Promise<void> | undefined;
  status: PodStatus | undefined;

  constructor(
    public pod: Pod,
    private readonly deps: PodWorkerDeps,
  ) {
    this.probes = new ContainerProbes(deps.runtime, {
      unhealthy: (spec, _kind, message) =>
        deps.events.record(this.pod, "Warning", "Unhealthy", message, containerFieldPath(this.pod, spec)),
      restart: (spec, c, kind) => this.restartUnhealthy(spec, c, kind),
      changed: () => this.kick(),
    });
  }

  /** Liveness or startup gave up: preStop, stop, and let the restart policy start it again. */
  private restartUnhealthy(spec: Container, c: ContainerStatus, kind: "liveness" | "startup"): void {
    this.deps.events.record(
      this.pod,
      "Normal",
      "Killing",
      `Container ${spec.name} failed ${kind} probe, will be restarted`,
      containerFieldPath(this.pod, spec),
    );
    void this.runPreStopHooks([c], this.graceSeconds())
      .then(() => this.deps.runtime.stopContainer(c.id, this.graceSeconds()))
      .catch((error: Error) => this.deps.log(`pod ${this.label}: stop ${spec.name}: ${error.message}`))
      .finally(() => this.kick());
  }

  get sandboxId(): string | undefined {
    return this.sandbox?.id;
  }

  get uid(): string {
    return this.pod.metadata?.uid ?? "";
  }

  private get label(): string {
    return `${this.pod.metadata?.namespace ?? "default"}/${this.pod.metadata?.name}`;
  }

  update(pod: Pod): void {
    this.pod = pod;
    this.kick();
  }

  /** Asks for a sync soon; syncs never overlap (a kick during one runs another after it). */
  kick(): void {
    if (this.terminating) return;
    if (this.running) {
      this.dirty = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
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
        this.deps.log(`pod ${this.label}: sync failed: ${(error as Error).message}`);
        this.later(2000);
      }
    } while (this.dirty && !this.terminating);
  }

  private later(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.kick();
      },
      Math.max(ms, 0),
    );
  }

  private async ensureSandbox(): Promise<SandboxStatus> {
    if (this.sandbox) return this.sandbox;
    const { runtime } = this.deps;
    const existing = (await runtime.listSandboxes()).find((s) => s.uid === this.uid);
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

  /** The pod's /etc/hosts and /etc/resolv.conf, mounted into every container as upstream does. */
  private etcMounts(sandbox: SandboxStatus) {
    const dir = join(podDir(this.deps.rootDir, this.uid), "etc");
    mkdirSync(dir, { recursive: true });
    const hosts = join(dir, "hosts");
    const resolv = join(dir, "resolv.conf");
    writeFileSync(hosts, hostsFile(this.pod, sandbox.ip, this.deps.dns.clusterDomain));
    writeFileSync(resolv, resolvConf(this.pod, this.deps.dns));
    return [
      { hostPath: hosts, containerPath: "/etc/hosts", readOnly: false },
      { hostPath: resolv, containerPath: "/etc/resolv.conf", readOnly: false },
    ];
  }

  private async sync(): Promise<void> {
    const { runtime, events } = this.deps;
    const pod = this.pod;
    const sandbox = await this.ensureSandbox();
    if (!this.volumes || Date.now() >= this.volumesRefreshAt) {
      try {
        const prepared = await prepareVolumes(this.deps.rootDir, pod, this.deps.objects, {
          hostIP: this.deps.hostIP(),
          podIP: sandbox.ip,
        });
        this.volumes = prepared.paths;
        const resync = prepared.refreshes ? Date.now() + VOLUME_RESYNC_MS : Number.POSITIVE_INFINITY;
        // At least a second away, so a token due in the past cannot spin the worker.
        this.volumesRefreshAt = Math.max(Math.min(prepared.refreshAt, resync), Date.now() + 1000);
      } catch (error) {
        events.record(pod, "Warning", "FailedMount", (error as Error).message);
        if (!this.volumes) {
          this.report(await runtime.listContainers(sandbox.id));
          this.later(5000);
          return;
        }
        // A refresh failed: the containers keep the last contents; try again soon.
        this.volumesRefreshAt = Date.now() + 5000;
      }
    }
    let containers = await runtime.listContainers(sandbox.id);
    this.noteExits(containers);
    const byName = attemptsByName(containers);
    const policy = pod.spec?.restartPolicy ?? "Always";
    let nextWake = Number.POSITIVE_INFINITY;
    let changed = false;

    // Init containers, in order: each must succeed before the next (and before the app containers).
    let initDone = true;
    for (const spec of pod.spec?.initContainers ?? []) {
      const latest = byName.get(spec.name)?.[0];
      if (latest?.state === "exited" && latest.exitCode === 0) continue;
      initDone = false;
      if (latest?.state === "running" || latest?.state === "created") break;
      if (latest?.state === "exited" && policy === "Never") break;
      const wake = await this.startIfDue(spec, latest, sandbox);
      nextWake = Math.min(nextWake, wake);
      changed = true;
      break;
    }

    if (initDone) {
      for (const spec of pod.spec?.containers ?? []) {
        const latest = byName.get(spec.name)?.[0];
        if (latest && latest.state !== "exited") {
          this.probes.ensure(spec, latest, sandbox.ip);
          continue;
        }
        if (latest && !this.shouldRestart(latest, policy)) continue;
        const wake = await this.startIfDue(spec, latest, sandbox);
        nextWake = Math.min(nextWake, wake);
        changed = true;
      }
    }
    if (changed) containers = await runtime.listContainers(sandbox.id);
    this.report(containers);
    nextWake = Math.min(nextWake, this.volumesRefreshAt);
    if (Number.isFinite(nextWake)) this.later(nextWake - Date.now());
  }

  private shouldRestart(c: ContainerStatus, policy: string): boolean {
    if (policy === "Always") return true;
    if (policy === "OnFailure") return c.exitCode !== 0;
    return false;
  }

  private noteExits(containers: ContainerStatus[]): void {
    for (const c of containers) {
      if (c.state !== "exited" || this.reportedExits.has(c.id)) continue;
      this.reportedExits.add(c.id);
      this.probes.stop(c.id);
    }
  }

  /** Starts `spec` unless it is backing off; returns when to look again (Infinity: no need). */
  private async startIfDue(
    spec: Container,
    latest: ContainerStatus | undefined,
    sandbox: SandboxStatus,
  ): Promise<number> {
    const { backoff, events } = this.deps;
    const key = `${this.uid}/${spec.name}`;
    const now = Date.now();
    if (latest?.state === "exited") {
      if (!this.countedExits.has(latest.id)) {
        this.countedExits.add(latest.id);
        const finished = latest.finishedAt?.getTime() ?? now;
        backoff.next(key, finished, finished - (latest.startedAt?.getTime() ?? finished));
      }
      const due = backoff.until(key);
      if (due > now) {
        const pod = `${this.pod.metadata?.name}_${this.pod.metadata?.namespace}(${this.uid})`;
        const message = `back-off ${goDuration(backoff.delay(key))} restarting failed container=${spec.name} pod=${pod}`;
        if (this.waiting.get(spec.name)?.reason !== "CrashLoopBackOff")
          events.record(
            this.pod,
            "Warning",
            "BackOff",
            `Back-off restarting failed container ${spec.name} in pod ${pod}`,
            containerFieldPath(this.pod, spec),
          );
        this.waiting.set(spec.name, { reason: "CrashLoopBackOff", message });
        return due;
      }
    }
    const pullKey = `${key}#pull`;
    const pullDue = backoff.until(pullKey);
    if (this.waiting.get(spec.name)?.reason === "ImagePullBackOff" && pullDue > now) return pullDue;
    let image: Awaited<ReturnType<ImageResolver["resolve"]>>;
    try {
      image = await this.deps.images.resolve(spec.image ?? "");
    } catch (error) {
      if (!(error instanceof ImagePullError)) throw error;
      const already = this.waiting.get(spec.name)?.reason;
      const message = `Failed to pull image "${spec.image}": ${error.message}`;
      events.record(this.pod, "Warning", "Failed", message, containerFieldPath(this.pod, spec));
      if (already === "ErrImagePull" || already === "ImagePullBackOff") {
        events.record(
          this.pod,
          "Normal",
          "BackOff",
          `Back-off pulling image "${spec.image}"`,
          containerFieldPath(this.pod, spec),
        );
        this.waiting.set(spec.name, {
          reason: "ImagePullBackOff",
          message: `Back-off pulling image "${spec.image}": ${error.message}`,
        });
      } else {
        this.waiting.set(spec.name, { reason: "ErrImagePull", message: error.message });
      }
      return backoff.next(pullKey, now, 0);
    }
    this.imageIDs.set(spec.image ?? "", image.imageID);
    if (!latest)
      events.record(
        this.pod,
        "Normal",
        "Pulled",
        `Container image "${spec.image}" already present on machine`,
        containerFieldPath(this.pod, spec),
      );
    let env: Map<string, string>;
    let mounts: ReturnType<typeof containerMounts>;
    try {
      env = await containerEnv(this.pod, spec, this.deps.objects, {
        hostIP: this.deps.hostIP(),
        podIP: sandbox.ip,
      });
      mounts = [...this.etcMounts(sandbox), ...containerMounts(spec, this.volumes ?? new Map())];
    } catch (error) {
      const message = (error as Error).message;
      if (this.waiting.get(spec.name)?.reason !== "CreateContainerConfigError")
        events.record(this.pod, "Warning", "Failed", `Error: ${message}`, containerFieldPath(this.pod, spec));
      this.waiting.set(spec.name, { reason: "CreateContainerConfigError", message });
      return now + 5000;
    }
    const security = { ...this.pod.spec?.securityContext, ...spec.securityContext };
    const limits = spec.resources?.limits ?? {};
    const requests = spec.resources?.requests ?? {};
    const attempt = latest ? latest.attempt + 1 : 0;
    const status = await this.deps.runtime.startContainer({
      sandboxId: sandbox.id,
      name: spec.name,
      attempt,
      image: spec.image ?? "",
      argv: containerArgv(spec, image, env),
      env: [...env.entries()],
      workingDir: spec.workingDir,
      runAsUser: security.runAsUser,
      runAsGroup: security.runAsGroup,
      mounts,
      stdin: spec.stdin ?? false,
      tty: spec.tty ?? false,
      memoryLimitBytes: limits.memory === undefined ? undefined : quantityValue(String(limits.memory)),
      cpuLimitMillis:
        limits.cpu === undefined ? undefined : Math.round((quantityValue(String(limits.cpu)) ?? 0) * 1000),
      cpuRequestMillis:
        requests.cpu === undefined
          ? undefined
          : Math.round((quantityValue(String(requests.cpu)) ?? 0) * 1000),
      labels: { "io.kubernetes.container.name": spec.name },
    });
    this.waiting.delete(spec.name);
    if (status.state === "exited" && status.exitCode === 128) {
      events.record(
        this.pod,
        "Warning",
        "Failed",
        `Error: ${status.message ?? status.reason}`,
        containerFieldPath(this.pod, spec),
      );
      return Number.POSITIVE_INFINITY;
    }
    events.record(
      this.pod,
      "Normal",
      "Created",
      `Created container ${spec.name}`,
      containerFieldPath(this.pod, spec),
    );
    events.record(
      this.pod,
      "Normal",
      "Started",
      `Started container ${spec.name}`,
      containerFieldPath(this.pod, spec),
    );
    const postStart = spec.lifecycle?.postStart;
    if (postStart && status.state === "running") {
      const target = {
        runtime: this.deps.runtime,
        containerId: status.id,
        podIP: sandbox.ip,
        container: spec,
      };
      const failure = await runHook(postStart, target, this.graceSeconds() * 1000);
      if (failure !== undefined) {
        const message = `PostStartHookError: ${failure}`;
        events.record(
          this.pod,
          "Warning",
          "FailedPostStartHook",
          message,
          containerFieldPath(this.pod, spec),
        );
        await this.deps.runtime.stopContainer(status.id, this.graceSeconds());
        return Number.POSITIVE_INFINITY;
      }
    }
    if (status.state === "running") this.probes.ensure(spec, status, sandbox.ip);
    return Number.POSITIVE_INFINITY;
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
          this.deps.events.record(
            this.pod,
            "Warning",
            "FailedPreStopHook",
            `PreStopHook failed: ${failure}`,
            containerFieldPath(this.pod, spec),
          );
      }),
    );
  }

  private report(containers: ContainerStatus[]): void {
    const status = podStatus({
      pod: this.pod,
      sandbox: this.sandbox,
      containers: containers.map((c) => this.terminationMessages.apply(this.pod, c)),
      waiting: this.waiting,
      ready: this.probes.ready,
      started: this.probes.started,
      hostIP: this.deps.hostIP(),
      imageIDs: this.imageIDs,
      now: this.deps.now(),
      previous: this.status,
    });
    this.status = status;
    this.deps.reportStatus(this.pod, status);
  }

  /**
   * Stops every container (SIGTERM, grace period, SIGKILL), reports the final status and
   * removes the sandbox and the pod's volumes. Idempotent; later kicks do nothing.
   */
  terminate(gracePeriodSeconds?: number): Promise<void> {
    this.terminating ??= (async () => {
      if (this.timer) clearTimeout(this.timer);
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
          if (spec)
            this.deps.events.record(
              this.pod,
              "Normal",
              "Killing",
              `Stopping container ${c.name}`,
              containerFieldPath(this.pod, spec),
            );
        }
        const started = Date.now();
        if (grace > 0) await this.runPreStopHooks(containers, grace);
        const left = Math.max(0, grace - Math.floor((Date.now() - started) / 1000));
        await runtime.stopSandbox(sandbox.id, left);
        this.report(await runtime.listContainers(sandbox.id));
        for (const c of await runtime.listContainers(sandbox.id)) await runtime.removeContainer(c.id);
        await runtime.removeSandbox(sandbox.id);
      }
      removePodDir(this.deps.rootDir, this.uid);
      this.deps.backoff.forget(`${this.uid}/`);
    })();
    return this.terminating;
  }
}

/** A Go-style duration for messages: 10s, 1m20s, 5m0s. */
function goDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  return total < 60 ? `${total}s` : `${Math.floor(total / 60)}m${total % 60}s`;
}
