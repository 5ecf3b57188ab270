// kube server with the OCI runtime (crun), driven by the real kubectl: fsGroup owns the pod's
// volumes as upstream's SetVolumeOwnership and joins the container's groups (an emptyDir is 0777
// without it); the pod's containers share one /dev/shm; an AppArmor profile on a host without
// AppArmor is rejected as upstream's kubelet does. Needs root, crun and the registry tools.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appArmorEnabled } from "../../../components/kubelet/pod/apparmor-admission.ts";
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
if (missing) console.warn(`skipping OCI pod security feature tests: ${missing}`);

describe.skipIf(missing !== undefined)("kube server --runtime oci: fsGroup, /dev/shm, AppArmor", () => {
  let work = "";
  let server: KubeServer;
  let registry: LocalRegistry;
  let image = "";

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "kt-e2e-podsec-"));
    const layout = buildBusyboxLayout(join(work, "layout"), "1", {
      files: {
        "etc/passwd": "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n",
        "etc/group": "root:x:0:\napp:x:1000:\n",
      },
      cmd: ["sleep", "3600"],
    });
    registry = await startRegistry();
    registry.push(layout, "1", "kt/podsec:1");
    image = `${registry.host}/kt/podsec:1`;
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

  const phase = (name: string, want: string) =>
    until(
      `pod ${name} ${want}`,
      async () => {
        const out = await server.kubectl(["get", "pod", name, "-o", "jsonpath={.status.phase}"]);
        return out.stdout === want ? true : undefined;
      },
      {
        timeoutMs: 90_000,
        intervalMs: 200,
        onTimeout: async () => console.error((await server.kubectl(["describe", "pod", name])).stdout),
      },
    );

  const exec = async (name: string, container: string, argv: string[]) => {
    const result = await server.kubectl(["exec", name, "-c", container, "--", ...argv]);
    expect(result.code, `${argv.join(" ")}: ${result.stderr}`).toBe(0);
    return result.stdout;
  };

  test("fsGroup: the volumes get the group (setgid dirs, g+rw; g+r on a secret) and the container is in it", async () => {
    const secret = await server.kubectl([
      "create",
      "secret",
      "generic",
      "kt-fsgroup",
      "--from-literal=key=value",
    ]);
    expect(secret.code, secret.stderr).toBe(0);
    await apply({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "kt-fsgroup" },
      spec: {
        terminationGracePeriodSeconds: 1,
        securityContext: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 2000 },
        containers: [
          {
            name: "main",
            image,
            securityContext: { allowPrivilegeEscalation: false },
            volumeMounts: [
              { name: "data", mountPath: "/data" },
              { name: "secret", mountPath: "/secret" },
            ],
          },
        ],
        volumes: [
          { name: "data", emptyDir: {} },
          { name: "secret", secret: { secretName: "kt-fsgroup", defaultMode: 0o400 } },
        ],
      },
    });
    await phase("kt-fsgroup", "Running");
    expect(await exec("kt-fsgroup", "main", ["id"])).toBe(
      "uid=1000(app) gid=1000(app) groups=1000(app),2000\n",
    );
    expect(await exec("kt-fsgroup", "main", ["busybox", "stat", "-c", "%g %a", "/data"])).toBe("2000 2777\n");
    // user 1000 writes through the group; the setgid dir gives the new file the fsGroup.
    await exec("kt-fsgroup", "main", ["busybox", "touch", "/data/written"]);
    expect(await exec("kt-fsgroup", "main", ["busybox", "stat", "-c", "%u %g", "/data/written"])).toBe(
      "1000 2000\n",
    );
    // defaultMode 0400 plus the read-only mask 0440; readable by user 1000 only through the group.
    expect(await exec("kt-fsgroup", "main", ["busybox", "stat", "-L", "-c", "%u %g %a", "/secret/key"])).toBe(
      "0 2000 440\n",
    );
    expect(await exec("kt-fsgroup", "main", ["cat", "/secret/key"])).toBe("value");
  }, 120_000);

  test("without fsGroup an emptyDir is 0777 as upstream's, so a non-root container can write to it", async () => {
    await apply({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "kt-emptydir" },
      spec: {
        terminationGracePeriodSeconds: 1,
        securityContext: { runAsUser: 1000, runAsGroup: 1000 },
        containers: [{ name: "main", image, volumeMounts: [{ name: "data", mountPath: "/data" }] }],
        volumes: [{ name: "data", emptyDir: {} }],
      },
    });
    await phase("kt-emptydir", "Running");
    expect(await exec("kt-emptydir", "main", ["busybox", "stat", "-c", "%u %g %a", "/data"])).toBe(
      "0 0 777\n",
    );
    await exec("kt-emptydir", "main", ["busybox", "touch", "/data/written"]);
    expect(await exec("kt-emptydir", "main", ["busybox", "stat", "-c", "%u %g", "/data/written"])).toBe(
      "1000 1000\n",
    );
  }, 120_000);

  test("the pod's containers share one /dev/shm (64 MiB), another pod does not see it", async () => {
    await apply({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "kt-shm" },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [
          { name: "writer", image, command: ["sh", "-c", "echo from-writer > /dev/shm/kt; sleep 3600"] },
          { name: "reader", image },
        ],
      },
    });
    await apply({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "kt-shm-other" },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name: "main", image }] },
    });
    await phase("kt-shm", "Running");
    await phase("kt-shm-other", "Running");
    await until(
      "the reader sees the writer's shm file",
      async () => {
        const read = await server.kubectl(["exec", "kt-shm", "-c", "reader", "--", "cat", "/dev/shm/kt"]);
        return read.stdout === "from-writer\n" ? true : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    const mounts = await exec("kt-shm", "reader", ["cat", "/proc/mounts"]);
    expect(mounts).toMatch(/^shm \/dev\/shm tmpfs rw,nosuid,nodev,noexec,.*size=65536k/m);
    expect(await exec("kt-shm-other", "main", ["ls", "/dev/shm"])).toBe("");
  }, 120_000);

  test.skipIf(appArmorEnabled())(
    "an AppArmor profile on a host without AppArmor: the pod is rejected with upstream's reason and message",
    async () => {
      await apply({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "kt-apparmor" },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            { name: "main", image, securityContext: { appArmorProfile: { type: "RuntimeDefault" } } },
          ],
        },
      });
      await phase("kt-apparmor", "Failed");
      const status = await server.kubectl([
        "get",
        "pod",
        "kt-apparmor",
        "-o",
        "jsonpath={.status.reason}|{.status.message}",
      ]);
      expect(status.stdout).toBe(
        "AppArmor|Pod was rejected: Cannot enforce AppArmor: AppArmor is not enabled on the host",
      );
      const events = await until(
        "the AppArmor event",
        async () => {
          const out = await server.kubectl([
            "get",
            "events",
            "--field-selector",
            "involvedObject.name=kt-apparmor,reason=AppArmor",
            "-o",
            "jsonpath={.items[*].message}",
          ]);
          return out.stdout !== "" ? out.stdout : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
      expect(events).toBe("Cannot enforce AppArmor: AppArmor is not enabled on the host");
      // Nothing ran, and deleting the rejected pod completes.
      const deleted = await server.kubectl(["delete", "pod", "kt-apparmor", "--wait=true", "--timeout=30s"]);
      expect(deleted.code, deleted.stderr).toBe(0);
    },
    120_000,
  );
});
