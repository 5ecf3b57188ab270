// kube server with the OCI runtime (crun), driven by the real kubectl: an image built here and pushed
// to a local registry runs as a Deployment and sees its own files, not the host's; `ps` shows only
// the pod; `id` the requested user; mount is refused without CAP_SYS_ADMIN; privileged works;
// readOnlyRootFilesystem refuses writes; exec -it gets a pty; an unknown image user waits as
// CreateContainerError. Needs root, crun and the registry tools; skipped otherwise.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ociUnavailable } from "../../../components/kubelet/runtime/oci/oci-runtime.ts";
import { type KubeServer, startKubeServer } from "../../harness/kube-server.ts";
import {
  buildBusyboxLayout,
  type LocalRegistry,
  registryToolsMissing,
  startRegistry,
} from "../../harness/registry.ts";
import { until } from "../../harness/until.ts";

const missing = registryToolsMissing() ?? (await ociUnavailable());
if (missing) console.warn(`skipping OCI isolation tests: ${missing}`);

const passwd = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n";

describe.skipIf(missing !== undefined)("kube server --runtime oci: containers are isolated", () => {
  let work = "";
  let server: KubeServer;
  let registry: LocalRegistry;
  let image = "";
  let ghost = "";

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "kt-e2e-containers-"));
    const layout = buildBusyboxLayout(join(work, "layout"), "1", {
      files: {
        "etc/passwd": passwd,
        "etc/group": "root:x:0:\napp:x:1000:\n",
        "image-file.txt": "from the image\n",
      },
      cmd: ["sleep", "3600"],
    });
    const ghostLayout = buildBusyboxLayout(join(work, "ghost"), "1", { user: "ghost", cmd: ["id"] });
    registry = await startRegistry();
    registry.push(layout, "1", "kt/isolated:1");
    registry.push(ghostLayout, "1", "kt/ghost:1");
    image = `${registry.host}/kt/isolated:1`;
    ghost = `${registry.host}/kt/ghost:1`;
    server = await startKubeServer({ args: ["--runtime", "oci"] });
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 60_000);

  const apply = async (manifest: object): Promise<void> => {
    const result = await server.kubectl(["apply", "-f", "-"], { stdin: JSON.stringify(manifest) });
    expect(result.code, result.stderr).toBe(0);
  };

  const pod = (
    name: string,
    extra: Record<string, unknown> = {},
    container: Record<string, unknown> = {},
  ) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: { terminationGracePeriodSeconds: 1, containers: [{ name: "main", image, ...container }], ...extra },
  });

  const running = (selector: string[]) =>
    until(
      `pod ${selector.join(" ")} Running`,
      async () => {
        const out = await server.kubectl([
          "get",
          "pods",
          ...selector,
          "-o",
          'jsonpath={range .items[*]}{.metadata.name} {.status.phase}{"\\n"}{end}',
        ]);
        const line = out.stdout.split("\n").find((l) => l.endsWith(" Running"));
        return line?.split(" ")[0];
      },
      {
        timeoutMs: 90_000,
        intervalMs: 200,
        onTimeout: async () =>
          console.error((await server.kubectl(["describe", "pods", ...selector])).stdout),
      },
    );

  const exec = (name: string, argv: string[]) => server.kubectl(["exec", name, "--", ...argv]);

  test("a Deployment's container sees the image, not the host; ps shows only the pod; id shows the requested user; mount is refused", async () => {
    await apply({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "kt-isolated" },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: "kt-isolated" } },
        template: {
          metadata: { labels: { app: "kt-isolated" } },
          spec: {
            terminationGracePeriodSeconds: 1,
            securityContext: { runAsUser: 1000, runAsGroup: 1000 },
            containers: [{ name: "main", image, securityContext: { allowPrivilegeEscalation: false } }],
          },
        },
      },
    });
    const name = await running(["-l", "app=kt-isolated"]);
    expect((await exec(name, ["cat", "/image-file.txt"])).stdout).toBe("from the image\n");
    // The server's data dir (SQLite with every Secret, the CA key) is not in the container.
    const dataFiles = readdirSync(server.dataDir).map((f) => join(server.dataDir, f));
    expect(dataFiles.length).toBeGreaterThan(0);
    for (const file of dataFiles) {
      const read = await exec(name, ["cat", file]);
      expect(read.code).not.toBe(0);
      expect(read.stderr).toContain("No such file or directory");
    }
    const ls = await exec(name, ["ls", "/"]);
    expect(ls.stdout.split("\n").filter(Boolean).sort()).toEqual(
      expect.arrayContaining(["bin", "dev", "etc", "image-file.txt", "proc", "sys"]),
    );
    expect(ls.stdout).not.toContain("root\n");
    const ps = await exec(name, ["ps"]);
    const processes = ps.stdout.trim().split("\n").slice(1);
    expect(processes).toHaveLength(2);
    expect(processes[0]).toMatch(/^\s*1 app\s+sleep 3600$/);
    expect(processes[1]).toMatch(/ps$/);
    expect((await exec(name, ["id"])).stdout).toBe("uid=1000(app) gid=1000(app) groups=1000(app)\n");
    const mount = await exec(name, ["mount", "-t", "tmpfs", "none", "/etc"]);
    expect(mount.code).not.toBe(0);
    expect(mount.stderr).toContain("permission denied");
    const status = await exec(name, ["cat", "/proc/self/status"]);
    expect(status.stdout).toContain("CapEff:\t0000000000000000");
    expect(status.stdout).toContain("NoNewPrivs:\t1");
    expect(status.stdout).toContain("Seccomp:\t2");
  }, 150_000);

  test("privileged may mount; readOnlyRootFilesystem refuses writes; root without privileges may not mount", async () => {
    // Pod Security's baseline (kube server's default) refuses privileged pods outside privileged namespaces.
    const ns = await server.kubectl(["create", "namespace", "kt-privileged"]);
    expect(ns.code, ns.stderr).toBe(0);
    await server.kubectl([
      "label",
      "namespace",
      "kt-privileged",
      "pod-security.kubernetes.io/enforce=privileged",
    ]);
    await apply({
      ...pod("kt-privileged", {}, { securityContext: { privileged: true } }),
      metadata: { name: "kt-privileged", namespace: "kt-privileged" },
    });
    await apply(pod("kt-readonly", {}, { securityContext: { readOnlyRootFilesystem: true } }));
    await apply(pod("kt-root"));
    await running(["-n", "kt-privileged", "--field-selector", "metadata.name=kt-privileged"]);
    await running(["--field-selector", "metadata.name=kt-readonly"]);
    await running(["--field-selector", "metadata.name=kt-root"]);
    const mounted = await server.kubectl([
      "exec",
      "-n",
      "kt-privileged",
      "kt-privileged",
      "--",
      "sh",
      "-c",
      "mount -t tmpfs none /etc && echo mounted",
    ]);
    expect(mounted.stdout, mounted.stderr).toBe("mounted\n");
    const write = await exec("kt-readonly", ["sh", "-c", "echo x > /new-file"]);
    expect(write.code).not.toBe(0);
    expect(write.stderr).toContain("Read-only file system");
    const rootMount = await exec("kt-root", ["mount", "-t", "tmpfs", "none", "/etc"]);
    expect(rootMount.code).not.toBe(0);
    expect((await exec("kt-root", ["sh", "-c", "echo ok > /new-file && cat /new-file"])).stdout).toBe("ok\n");
  }, 150_000);

  test("kubectl exec -it gets a terminal", async () => {
    await apply(pod("kt-tty"));
    await running(["--field-selector", "metadata.name=kt-tty"]);
    const kubectl = Bun.which("kubectl") ?? "kubectl";
    // `script` gives kubectl a terminal of its own, so it asks for a tty and sends its size.
    const inner = `stty cols 77 rows 22; ${kubectl} --kubeconfig=${server.kubectl.kubeconfig} exec -it kt-tty -- sh -c 'test -t 0 && echo is-a-tty; stty size'`;
    // stdin stays open until the session ends: at EOF, script would end kubectl's input and
    // the shell could lose its terminal before `stty size` runs.
    const proc = Bun.spawn(["script", "-qec", inner, "/dev/null"], {
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    });
    const timer = setTimeout(() => proc.kill("SIGKILL"), 60_000);
    const stdout = await new Response(proc.stdout).text();
    await proc.exited;
    clearTimeout(timer);
    proc.stdin.end();
    expect(stdout).toContain("is-a-tty");
    expect(stdout).toContain("22 77");
  }, 120_000);

  test("an image user missing from its /etc/passwd: CreateContainerError with the message", async () => {
    await apply({
      ...pod("kt-ghost"),
      spec: { containers: [{ name: "main", image: ghost }], restartPolicy: "Never" },
    });
    const waiting = await until(
      "kt-ghost waiting with CreateContainerError",
      async () => {
        const out = await server.kubectl([
          "get",
          "pod",
          "kt-ghost",
          "-o",
          "jsonpath={.status.containerStatuses[0].state.waiting}",
        ]);
        const state = out.stdout
          ? (JSON.parse(out.stdout) as { reason?: string; message?: string })
          : undefined;
        return state?.reason === "CreateContainerError" ? state : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 200 },
    );
    expect(waiting.message).toBe("unable to find user ghost: no matching entries in passwd file");
  }, 120_000);
});
