// Helpers of the streaming end-to-end tests: the real kubectl binaries installed beside the
// dispatcher (kubectl.1.27 ... kubectl.1.33, each called directly), run with the https kubeconfig
// kube server writes, a private HOME and cache, and long-running ones (port-forward, attach)
// stopped by PID once the test saw what it waited for.
import { existsSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Subprocess } from "bun";
import { kubectlBinary } from "../../harness/kubectl.ts";
import { until } from "../../harness/until.ts";

/** The binary of kubectl 1.<minor> beside the dispatcher, or undefined when it is not installed. */
export function kubectlVersion(minor: number): string | undefined {
  const dispatcher = kubectlBinary();
  if (!dispatcher) return undefined;
  const path = join(dirname(realpathSync(dispatcher)), `kubectl.1.${minor}`);
  return existsSync(path) ? path : undefined;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface VersionedKubectl {
  run(args: string[], options?: { stdin?: string; env?: Record<string, string> }): Promise<RunResult>;
  /** Starts a long-running command; output accumulates in `out()`/`err()`. */
  spawn(args: string[], env?: Record<string, string>): Running;
  /** argv prefix (binary and flags) for wrapping in `script`. */
  argv(args: string[]): string[];
  env(extra?: Record<string, string>): Record<string, string>;
  cleanup(): void;
}

export interface Running {
  proc: Subprocess<"pipe", "pipe", "pipe">;
  out(): string;
  err(): string;
  /** Waits until stdout matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

async function collect(stream: ReadableStream<Uint8Array>, into: { text: string }): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) into.text += decoder.decode(chunk, { stream: true });
}

export function versionedKubectl(binary: string, kubeconfig: string): VersionedKubectl {
  const dir = mkdtempSync(join(tmpdir(), "kt-kubectl-"));
  const argv = (args: string[]) => [
    binary,
    `--kubeconfig=${kubeconfig}`,
    `--cache-dir=${join(dir, "cache")}`,
    ...args,
  ];
  const env = (extra: Record<string, string> = {}) => ({
    ...(process.env as Record<string, string>),
    HOME: dir,
    KUBECONFIG: kubeconfig,
    ...extra,
  });
  const running = new Set<Running>();
  return {
    argv,
    env,
    async run(args, options = {}) {
      const proc = Bun.spawn(argv(args), {
        stdin: options.stdin !== undefined ? new TextEncoder().encode(options.stdin) : "ignore",
        stdout: "pipe",
        stderr: "pipe",
        env: env(options.env),
      });
      const timer = setTimeout(() => proc.kill("SIGKILL"), 30_000);
      const [stdout, stderr, code] = await Promise.all([
        new Response(proc.stdout).text(),
        new Response(proc.stderr).text(),
        proc.exited,
      ]);
      clearTimeout(timer);
      return { stdout, stderr, code };
    },
    spawn(args, extra) {
      const proc = Bun.spawn(argv(args), { stdin: "pipe", stdout: "pipe", stderr: "pipe", env: env(extra) });
      const out = { text: "" };
      const err = { text: "" };
      void collect(proc.stdout, out);
      void collect(proc.stderr, err);
      const r: Running = {
        proc,
        out: () => out.text,
        err: () => err.text,
        waitFor: (pattern, timeoutMs = 20_000) =>
          until(`kubectl output ${pattern}`, () => out.text.match(pattern) ?? undefined, {
            timeoutMs,
            intervalMs: 50,
            onTimeout: async (what) => {
              throw new Error(`timed out waiting for ${what}; stdout: ${out.text}; stderr: ${err.text}`);
            },
          }),
        async stop() {
          running.delete(r);
          proc.kill("SIGKILL");
          await proc.exited;
        },
      };
      running.add(r);
      return r;
    },
    cleanup() {
      for (const r of running) r.proc.kill("SIGKILL");
      running.clear();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
