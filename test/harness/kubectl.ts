// Runs the real kubectl (the one on PATH) against a test server: a private kubeconfig and
// discovery cache in a `kt-` temp dir, removed by cleanup(). kubectl's dispatcher picks the
// v1.32 client because kube reports minor "32".
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface KubectlResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface Kubectl {
  (
    args: string[],
    options?: { stdin?: string; env?: Record<string, string>; timeoutMs?: number },
  ): Promise<KubectlResult>;
  kubeconfig: string;
  dir: string;
  /** Write a file into the private dir and return its path. */
  file(name: string, content: string): string;
  cleanup(): void;
}

export function kubectlBinary(): string | null {
  return Bun.which("kubectl");
}

export function kubectlFor(server: string, namespace = "default"): Kubectl {
  const dir = mkdtempSync(join(tmpdir(), "kt-kubectl-"));
  const kubeconfig = join(dir, "kubeconfig");
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{name: kt, cluster: {server: "${server}"}}]
contexts: [{name: kt, context: {cluster: kt, namespace: ${namespace}, user: kt}}]
current-context: kt
users: [{name: kt, user: {}}]
`,
  );
  return kubectlIn(dir, kubeconfig);
}

/**
 * kubectl with a kubeconfig the test made or the server wrote (credentials and all); its
 * discovery cache and HOME in a private `kt-` dir. `kubeconfig` defaults to `<dir>/kubeconfig`,
 * for tests that build it with `kubectl config set-cluster ...` as the seeds do.
 */
export function kubectlWithKubeconfig(kubeconfig?: string): Kubectl {
  const dir = mkdtempSync(join(tmpdir(), "kt-kubectl-"));
  return kubectlIn(dir, kubeconfig ?? join(dir, "kubeconfig"));
}

function kubectlIn(dir: string, kubeconfig: string): Kubectl {
  const run = (async (args, options = {}) => {
    const bin = kubectlBinary();
    if (!bin) throw new Error("kubectl is not on PATH");
    const proc = Bun.spawn(
      [bin, `--kubeconfig=${kubeconfig}`, `--cache-dir=${join(dir, "cache")}`, ...args],
      {
        stdin: options.stdin !== undefined ? new TextEncoder().encode(options.stdin) : "ignore",
        stdout: "pipe",
        stderr: "pipe",
        env: { ...process.env, HOME: dir, KUBECONFIG: kubeconfig, ...options.env },
      },
    );
    const timer = setTimeout(() => proc.kill("SIGKILL"), options.timeoutMs ?? 30_000);
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    clearTimeout(timer);
    return { stdout, stderr, code };
  }) as Kubectl;
  run.kubeconfig = kubeconfig;
  run.dir = dir;
  run.file = (name, content) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  run.cleanup = () => rmSync(dir, { recursive: true, force: true });
  return run;
}
