// The probes of a pod's running containers (upstream pkg/kubelet/prober/prober_manager.go): a
// startup probe first, then liveness and readiness; readiness and startup results for the
// status, Unhealthy events per failed attempt, and a restart request when liveness or startup
// gives up.

import type { Container } from "kubernetes-types/core/v1";
import type { ContainerStatus, Runtime } from "../runtime/runtime.ts";
import { type ProbeKind, ProbeLoop } from "./prober.ts";

export interface ContainerProbesHandlers {
  /** One probe attempt failed (the Unhealthy event). */
  unhealthy(spec: Container, kind: ProbeKind, message: string): void;
  /** Liveness or startup gave up: the container must be restarted. */
  restart(spec: Container, container: ContainerStatus, kind: "liveness" | "startup"): void;
  /** Readiness or startup changed: the pod's status is due. */
  changed(): void;
}

const NAMES: Record<ProbeKind, string> = { liveness: "Liveness", readiness: "Readiness", startup: "Startup" };

export class ContainerProbes {
  private readonly loops = new Map<string, ProbeLoop[]>();
  /** Readiness by container ID (absent: no readiness result yet). */
  readonly ready = new Map<string, boolean>();
  /** Startup probe passed, by container ID. */
  readonly started = new Map<string, boolean>();

  constructor(
    private readonly runtime: Runtime,
    private readonly handlers: ContainerProbesHandlers,
  ) {}

  /** Starts the probes of a running container once. */
  ensure(spec: Container, container: ContainerStatus, podIP: string): void {
    if (this.loops.has(container.id) || container.state !== "running") return;
    const loops: ProbeLoop[] = [];
    this.loops.set(container.id, loops);
    const target = { runtime: this.runtime, containerId: container.id, podIP, container: spec };
    const start = (kind: ProbeKind, probe: NonNullable<Container["livenessProbe"]>) =>
      loops.push(
        new ProbeLoop(kind, probe, target, {
          onChange: (k, ok) => this.changed(spec, container, k, ok, start),
          onFailure: (k, message) => this.handlers.unhealthy(spec, k, `${NAMES[k]} probe failed: ${message}`),
        }),
      );
    if (spec.startupProbe) start("startup", spec.startupProbe);
    else this.startMain(spec, start);
  }

  private startMain(
    spec: Container,
    start: (kind: ProbeKind, probe: NonNullable<Container["livenessProbe"]>) => void,
  ) {
    if (spec.livenessProbe) start("liveness", spec.livenessProbe);
    if (spec.readinessProbe) start("readiness", spec.readinessProbe);
  }

  private changed(
    spec: Container,
    container: ContainerStatus,
    kind: ProbeKind,
    ok: boolean,
    start: (kind: ProbeKind, probe: NonNullable<Container["livenessProbe"]>) => void,
  ): void {
    if (kind === "readiness") this.ready.set(container.id, ok);
    if (kind === "startup" && ok) {
      this.started.set(container.id, true);
      this.startMain(spec, start);
    }
    if (kind !== "readiness" && !ok) {
      this.stop(container.id);
      this.handlers.restart(spec, container, kind);
      return;
    }
    this.handlers.changed();
  }

  stop(containerId: string): void {
    for (const loop of this.loops.get(containerId) ?? []) loop.stop();
    this.loops.delete(containerId);
  }

  stopAll(): void {
    for (const id of [...this.loops.keys()]) this.stop(id);
  }
}
