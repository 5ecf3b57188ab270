// Rootless kube with the OCI runtime: an ordinary user's `kube server --runtime oci` runs pods
// through crun inside kube's user namespace, without cgroups (none are delegated on a v1 host): a
// built-in image's own rootfs, `ps` only the pod, `id` the requested user, mount refused, no
// capabilities; an OCI image from --image-dir on an overlay mounted in the namespace.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { OciSpec } from "../../../components/kubelet/runtime/oci/oci-spec.ts";
import { buildBusyboxLayout } from "../../harness/registry.ts";
import { until } from "../../harness/until.ts";
import {
  createTestUser,
  processesLeft,
  processesOf,
  type RootlessServer,
  startRootlessServer,
  type TestUser,
  tempFilesOf,
} from "./rootless-server.ts";

const usable =
  process.getuid?.() === 0 &&
  ["useradd", "unshare", "newuidmap", "slirp4netns", "setpriv", "nsenter", "kubectl", "crun", "umoci"].every(
    (b) => Bun.which(b),
  );

const podJson = JSON.stringify({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "isolated" },
  spec: {
    terminationGracePeriodSeconds: 1,
    securityContext: { runAsUser: 1000, runAsGroup: 1000 },
    containers: [
      {
        name: "main",
        image: "busybox",
        command: ["sleep", "3600"],
        securityContext: { allowPrivilegeEscalation: false },
        // No cgroups in the user namespace: the limits are off, and the pod still starts.
        resources: { limits: { memory: "64Mi", cpu: "500m" } },
      },
    ],
  },
});

describe.skipIf(!usable)("rootless kube server --runtime oci: containers are isolated", () => {
  let user: TestUser;
  let server: RootlessServer | undefined;
  const kubectl = (args: string[], stdin?: string) =>
    (server as RootlessServer).kubectl(args, stdin === undefined ? {} : { stdin });
  const exec = (argv: string[]) => kubectl(["exec", "isolated", "--", ...argv]);

  beforeAll(async () => {
    user = createTestUser();
    // An OCI image (busybox layers) in --image-dir, readable by the user: its rootfs is an overlay
    // mounted inside the user namespace.
    buildBusyboxLayout(join(user.shared, "images", "isolated"), "1", {
      files: {
        "etc/passwd": "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n",
        "etc/group": "root:x:0:\napp:x:1000:\n",
        "image-file.txt": "from the image\n",
      },
      cmd: ["sleep", "3600"],
    });
    // umoci writes its blobs 0600.
    spawnSync("chmod", ["-R", "a+rX", join(user.shared, "images")]);
    server = await startRootlessServer(user, [
      "--runtime",
      "oci",
      "--image-dir",
      join(user.shared, "images"),
    ]);
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    if (user) user.remove();
  }, 60_000);

  test("crun runs in the user namespace with cgroup limits off, said at start", () => {
    const log = server?.proc.stderr() ?? "";
    expect(log).toContain("cgroup limits are off");
    expect(log).toMatch(/oci runtime: crun \(cgroup none: in a user namespace, limits are off/);
  });

  test("the pod sees its own rootfs, only its processes, the requested user, no capabilities", async () => {
    const created = await kubectl(["apply", "-f", "-"], podJson);
    expect(created.code, created.stderr).toBe(0);
    await until(
      "pod isolated Running",
      async () => {
        const r = await kubectl(["get", "pod", "isolated", "-o", "jsonpath={.status.phase}"]);
        return r.stdout === "Running" ? true : undefined;
      },
      {
        timeoutMs: 25_000,
        intervalMs: 150,
        onTimeout: async () => {
          console.error((await kubectl(["describe", "pod", "isolated"])).stdout);
          console.error(server?.proc.stderr().split("\n").slice(-30).join("\n"));
        },
      },
    );
    // The user's home (kube's data dir with the CA key) is not in the container's rootfs.
    const home = await exec(["ls", user.home]);
    expect(home.code).not.toBe(0);
    expect(home.stderr).toContain("No such file or directory");
    const ls = await exec(["ls", "/"]);
    expect(ls.stdout.split("\n")).toEqual(expect.arrayContaining(["bin", "dev", "etc", "proc", "sys"]));
    // The built-in images run the host's tools (procps' ps) from a rootfs of their own.
    const ps = await exec(["ps", "-e", "-o", "pid=,uid=,args="]);
    const processes = ps.stdout.trim().split("\n");
    expect(processes).toHaveLength(2);
    expect(processes[0]).toMatch(/^\s*1\s+1000\s+sleep 3600$/);
    expect(processes[1]).toMatch(/ps -e -o pid=,uid=,args=$/);
    expect((await exec(["id", "-u"])).stdout).toBe("1000\n");
    const mount = await exec(["mount", "-t", "tmpfs", "none", "/etc"]);
    expect(mount.code).not.toBe(0);
    expect(mount.stderr).toMatch(/permission denied|must be superuser/);
    const status = await exec(["cat", "/proc/self/status"]);
    expect(status.stdout).toContain("CapEff:\t0000000000000000");
    expect(status.stdout).toContain("NoNewPrivs:\t1");
    expect(status.stdout).toContain("Seccomp:\t2");
    // The container's OCI spec holds no cgroup path and no limits (none would apply).
    const specs = [...new Bun.Glob("**/config.json").scanSync({ cwd: user.home, absolute: true, dot: true })]
      .map((file) => JSON.parse(readFileSync(file, "utf8")) as OciSpec)
      .filter((spec) => spec.process.args.join(" ") === "sleep 3600");
    // (kube's bundle and crun's copy of it in its state root)
    expect(specs.length).toBeGreaterThan(0);
    for (const spec of specs) {
      expect(spec.linux.cgroupsPath).toBeUndefined();
      expect(spec.linux.resources.memory).toBeUndefined();
      expect(spec.linux.resources.cpu).toBeUndefined();
    }
    // Seen from the host, the container's uid 1000 is one of the user's subordinate ids.
    const sleeping = processesOf(user.uid, user.sub).find((line) => line.endsWith(" sleep 3600"));
    expect(sleeping, processesOf(user.uid, user.sub).join("\n")).toBeDefined();
  }, 40_000);

  test("an OCI image's layers are the rootfs (an overlay in the user namespace); the user from the image's /etc/passwd", async () => {
    const image = JSON.stringify({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "layered" },
      spec: {
        terminationGracePeriodSeconds: 1,
        securityContext: { runAsUser: 1000 },
        containers: [{ name: "main", image: "isolated:1" }],
      },
    });
    const created = await kubectl(["apply", "-f", "-"], image);
    expect(created.code, created.stderr).toBe(0);
    await until(
      "pod layered Running",
      async () => {
        const r = await kubectl(["get", "pod", "layered", "-o", "jsonpath={.status.phase}"]);
        return r.stdout === "Running" ? true : undefined;
      },
      {
        timeoutMs: 25_000,
        intervalMs: 150,
        onTimeout: async () => {
          console.error((await kubectl(["describe", "pod", "layered"])).stdout);
          console.error(server?.proc.stderr().split("\n").slice(-30).join("\n"));
        },
      },
    );
    const run = (argv: string[]) => kubectl(["exec", "layered", "--", ...argv]);
    expect((await run(["cat", "/image-file.txt"])).stdout).toBe("from the image\n");
    // Only the image's files: no /usr of the host.
    expect((await run(["ls", "/usr"])).code).not.toBe(0);
    expect((await run(["id"])).stdout).toBe("uid=1000(app) gid=1000(app) groups=1000(app)\n");
    const processes = (await run(["ps"])).stdout.trim().split("\n").slice(1);
    expect(processes).toHaveLength(2);
    expect(processes[0]).toMatch(/^\s*1 app\s+sleep 3600$/);
    // The layers keep their owners inside the user namespace (root's file), so uid 1000 may not write it.
    expect((await run(["ls", "-ln", "/image-file.txt"])).stdout).toMatch(/^-rw-r--r--\s+1 0\s+0\s+15 /);
    const write = await run(["sh", "-c", "echo changed > /image-file.txt"]);
    expect(write.code).not.toBe(0);
    expect(write.stderr).toContain("Permission denied");
  }, 40_000);

  test("Ctrl-C leaves no process and no temp file of the user", async () => {
    expect(await (server as RootlessServer).stop()).toBe(0);
    expect(await processesLeft(user.uid, user.sub)).toEqual([]);
    expect(tempFilesOf(user.uid)).toEqual([]);
  }, 40_000);
});
