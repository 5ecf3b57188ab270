// Liveness, readiness and startup probes for one running container (upstream pkg/kubelet/prober):
// exec, httpGet and tcpSocket handlers, periodSeconds/initialDelaySeconds/timeoutSeconds and
// success/failure thresholds; results are reported to the pod worker, which acts on them.

import type { Container, Probe } from "kubernetes-types/core/v1";
import type { Runtime } from "../runtime/runtime.ts";

export type ProbeKind = "liveness" | "readiness" | "startup";

export interface ProbeTarget {
  runtime: Runtime;
  containerId: string;
  podIP: string;
  container: Container;
}

/** Runs one probe once: undefined on success, the failure message otherwise. */
export async function runProbe(probe: Probe, target: ProbeTarget): Promise<string | undefined> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  const port = (p: number | string | undefined): number => {
    if (typeof p === "number") return p;
    const named = target.container.ports?.find((cp) => cp.name === p);
    return named?.containerPort ?? Number(p);
  };
  try {
    if (probe.exec) {
      const proc = await target.runtime.exec(target.containerId, probe.exec.command ?? [], {
        stdin: false,
        tty: false,
        timeoutMs,
      });
      let output = "";
      proc.stdout.on("data", (d: Buffer) => {
        output += d.toString();
      });
      proc.stderr?.on("data", (d: Buffer) => {
        output += d.toString();
      });
      const code = await proc.exited;
      return code === 0 ? undefined : output.trim() || `command exited with code ${code}`;
    }
    if (probe.httpGet) {
      const g = probe.httpGet;
      const host = g.host ?? target.podIP;
      const scheme = (g.scheme ?? "HTTP").toLowerCase();
      const url = `${scheme}://${host}:${port(g.port)}${g.path ?? "/"}`;
      const headers: Record<string, string> = { "user-agent": "kube-probe/1.32" };
      for (const h of g.httpHeaders ?? []) headers[h.name] = h.value;
      const response = await fetch(url, {
        headers,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "manual",
      });
      await response.arrayBuffer();
      return response.status >= 200 && response.status < 400
        ? undefined
        : `HTTP probe failed with statuscode: ${response.status}`;
    }
    if (probe.tcpSocket) {
      const host = probe.tcpSocket.host ?? target.podIP;
      const p = port(probe.tcpSocket.port);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`dial tcp ${host}:${p}: i/o timeout`)), timeoutMs);
        Bun.connect({
          hostname: host,
          port: p,
          socket: {
            open(socket) {
              clearTimeout(timer);
              socket.end();
              resolve();
            },
            data() {},
            connectError(_s, error) {
              clearTimeout(timer);
              reject(new Error(`dial tcp ${host}:${p}: ${error.message}`));
            },
          },
        }).catch(reject);
      });
      return undefined;
    }
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A periodic probe with thresholds; calls `onChange` when the result flips. */
export class ProbeLoop {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private successes = 0;
  private failures = 0;
  private stopped = false;
  result: boolean | undefined;

  constructor(
    private readonly kind: ProbeKind,
    private readonly probe: Probe,
    private readonly target: ProbeTarget,
    private readonly handlers: {
      /** The result flipped (threshold reached). */
      onChange(kind: ProbeKind, ok: boolean, message?: string): void;
      /** One probe attempt failed (for the Unhealthy event). */
      onFailure(kind: ProbeKind, message: string): void;
    },
  ) {
    this.timer = setTimeout(() => this.tick(), (probe.initialDelaySeconds ?? 0) * 1000);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const failure = await runProbe(this.probe, this.target);
    if (this.stopped) return;
    if (failure === undefined) {
      this.failures = 0;
      this.successes++;
      if (this.result !== true && this.successes >= (this.probe.successThreshold ?? 1)) {
        this.result = true;
        this.handlers.onChange(this.kind, true);
      }
    } else {
      this.successes = 0;
      this.failures++;
      this.handlers.onFailure(this.kind, failure);
      if (this.failures >= (this.probe.failureThreshold ?? 3) && this.result !== false) {
        this.result = false;
        this.handlers.onChange(this.kind, false, failure);
      }
    }
    if (this.kind === "startup" && this.result === true) return;
    this.timer = setTimeout(() => this.tick(), (this.probe.periodSeconds ?? 10) * 1000);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
