// Ctrl-C of `kube server --runtime oci` with pods at the default grace period (30 s): pods whose
// init has no SIGTERM handler yet when the stop begins (a program still starting; here a shell
// that traps TERM only after 6 s) must still stop promptly, and nothing may be left: no process,
// no mount under the data dir, no container cgroup. Needs root and crun; skipped otherwise.

import { afterAll, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ociUnavailable } from "../../../components/kubelet/runtime/oci/oci-runtime.ts";
import { type KubeServer, startKubeServer } from "../../harness/kube-server.ts";
import { until } from "../../harness/until.ts";

const missing = await ociUnavailable();
if (missing) console.warn(`skipping the OCI Ctrl-C test: ${missing}`);

let server: KubeServer | undefined;
afterAll(async () => {
  await server?.stop().catch(() => {});
}, 60_000);

/** Every container state dir of the server's kubelets (`.../oci/runtime/containers/<id>`). */
function containerDirs(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 6) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const path = join(dir, entry.name);
      if (path.endsWith(join("oci", "runtime", "containers"))) {
        for (const id of readdirSync(path)) found.push(join(path, id));
      } else walk(path, depth + 1);
    }
  };
  walk(root, 0);
  return found;
}

/** Cgroup directories named after a container (`kube-<id>`), in every v1 hierarchy or v2. */
function containerCgroups(ids: string[]): string[] {
  const names = new Set(ids.map((id) => `kube-${id}`));
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 5) return;
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      if (names.has(entry.name)) found.push(join(dir, entry.name));
      else walk(join(dir, entry.name), depth + 1);
    }
  };
  walk("/sys/fs/cgroup", 0);
  return found;
}

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSafe(`/proc/${pid}/stat`));
function readFileSafe(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

test.skipIf(missing !== undefined)(
  "Ctrl-C stops OCI pods whose init traps SIGTERM late within moments, and leaves nothing",
  async () => {
    server = await startKubeServer({ args: ["--runtime", "oci"] });
    const pods = 5;
    for (let i = 0; i < pods; i++) {
      const manifest = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: `kt-late-${i}`, labels: { app: "kt-late" } },
        spec: {
          // The default grace period (30 s), as `kubectl run` leaves it.
          containers: [
            {
              name: "main",
              image: "busybox",
              command: ["sh", "-c", "sleep 6; trap 'exit 0' TERM; while true; do sleep 0.2; done"],
            },
          ],
        },
      };
      const created = await server.kubectl(["apply", "-f", "-"], { stdin: JSON.stringify(manifest) });
      expect(created.code, created.stderr).toBe(0);
    }
    await until(
      `${pods} pods Running`,
      async () => {
        const out = await server?.kubectl([
          "get",
          "pods",
          "-l",
          "app=kt-late",
          "-o",
          'jsonpath={range .items[*]}{.status.phase}{"\\n"}{end}',
        ]);
        return out?.stdout.split("\n").filter((p) => p === "Running").length === pods ? true : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 200 },
    );
    const dirs = containerDirs(server.dataDir);
    const pids = dirs.map((dir) => Number(readFileSafe(join(dir, "pid")).trim())).filter((pid) => pid > 0);
    expect(pids).toHaveLength(pods);
    const ids = dirs.map((dir) => dir.split("/").at(-1) as string);
    expect(containerCgroups(ids).length).toBeGreaterThan(0);
    // Stopped while every init is still in its first `sleep 6`, with no handler for SIGTERM.
    const started = performance.now();
    const stopping = server;
    server = undefined;
    await stopping.stop();
    const stopMs = performance.now() - started;
    console.log(`stopped in ${stopMs.toFixed(0)} ms`);
    expect(stopMs).toBeLessThan(20_000);
    expect(pids.filter(alive)).toEqual([]);
    const mounts = readFileSync("/proc/self/mountinfo", "utf8")
      .split("\n")
      .filter((line) => line.includes(stopping.dataDir));
    expect(mounts).toEqual([]);
    expect(containerCgroups(ids)).toEqual([]);
  },
  150_000,
);
