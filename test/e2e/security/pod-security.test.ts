// Pod Security, hostPath types and bad container input end to end: the real kubectl against one
// `kube server`. A restricted namespace refuses a privileged pod with upstream's exact message,
// warn mode prints kubectl's `Warning:` lines, kube server's default enforces baseline in user
// namespaces but not in kube-system, namespace labels are validated and a stricter enforce
// label lists the pods that violate it; hostPath DirectoryOrCreate creates its directory, File
// on a missing path fails the mount with upstream's message; an argument with a NUL byte or over
// the kernel's limit leaves the container waiting in CreateContainerError.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type KubeServer, startKubeServer } from "../../harness/kube-server.ts";
import { kubectlBinary } from "../../harness/kubectl.ts";
import { until } from "../../harness/until.ts";

const root = process.getuid?.() === 0;

function pod(name: string, spec: Record<string, unknown>, namespace: string): string {
  return JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace }, spec });
}

const sleeper = { name: "c", image: "busybox", command: ["sleep", "3600"] };

describe.skipIf(!root || !kubectlBinary())("Pod Security admission and container input", () => {
  let server: KubeServer;
  const hostDir = mkdtempSync(join(tmpdir(), "kt-psa-hostpath-"));

  beforeAll(async () => {
    server = await startKubeServer();
    for (const ns of ["kt-restricted", "kt-warn", "kt-host"]) {
      const r = await server.kubectl(["create", "namespace", ns]);
      expect(r.code, r.stderr).toBe(0);
    }
    const labels: [string, string][] = [
      ["kt-restricted", "pod-security.kubernetes.io/enforce=restricted"],
      ["kt-warn", "pod-security.kubernetes.io/enforce=privileged"],
      ["kt-warn", "pod-security.kubernetes.io/warn=restricted"],
      ["kt-host", "pod-security.kubernetes.io/enforce=privileged"],
    ];
    for (const [ns, label] of labels) {
      const r = await server.kubectl(["label", "namespace", ns, label]);
      expect(r.code, r.stderr).toBe(0);
    }
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(hostDir, { recursive: true, force: true });
  });

  test("a restricted namespace refuses a privileged pod with upstream's message", async () => {
    const spec = { containers: [{ ...sleeper, securityContext: { privileged: true } }] };
    const r = await server.kubectl(["create", "-f", "-"], { stdin: pod("priv", spec, "kt-restricted") });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'Error from server (Forbidden): error when creating "STDIN": pods "priv" is forbidden: violates PodSecurity "restricted:latest": ' +
        'privileged (container "c" must not set securityContext.privileged=true), ' +
        'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), ' +
        'unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), ' +
        'runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), ' +
        'seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
    const ok = {
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
      containers: [
        { ...sleeper, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } },
      ],
    };
    const created = await server.kubectl(["create", "-f", "-"], { stdin: pod("fine", ok, "kt-restricted") });
    expect(created.code, created.stderr).toBe(0);
  });

  test("warn mode: the pod is created and kubectl prints the warning", async () => {
    const r = await server.kubectl(["create", "-f", "-"], {
      stdin: pod("plain", { containers: [sleeper] }, "kt-warn"),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false)',
    );
    expect(r.stdout).toContain("pod/plain created");
    // A workload's pod template gets warn (never enforce): the Deployment is created.
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "kt-restricted" },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: "web" } },
        template: { metadata: { labels: { app: "web" } }, spec: { containers: [sleeper] } },
      },
    };
    const d = await server.kubectl(["create", "-f", "-"], { stdin: JSON.stringify(deployment) });
    expect(d.code, d.stderr).toBe(0);
    expect(d.stderr).toBe("");
    const warned = await server.kubectl(["create", "-f", "-"], {
      stdin: JSON.stringify({ ...deployment, metadata: { name: "web", namespace: "kt-warn" } }),
    });
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stderr).toContain(
      'Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "c" must set',
    );
  });

  test("kube server's default: baseline refuses hostPID in a user namespace, kube-system allows it", async () => {
    const spec = { hostPID: true, containers: [sleeper] };
    const refused = await server.kubectl(["create", "-f", "-"], { stdin: pod("hostpid", spec, "default") });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      'Error from server (Forbidden): error when creating "STDIN": pods "hostpid" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostPID=true)',
    );
    const allowed = await server.kubectl(["create", "-f", "-"], {
      stdin: pod("kt-hostpid", spec, "kube-system"),
    });
    expect(allowed.code, allowed.stderr).toBe(0);
    await server.kubectl(["-n", "kube-system", "delete", "pod", "kt-hostpid", "--wait=false"]);
  });

  test("namespace labels: a bad level is 422; a stricter enforce level names the violating pods", async () => {
    const bad = await server.kubectl([
      "label",
      "namespace",
      "kt-host",
      "pod-security.kubernetes.io/audit=strict",
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'The Namespace "kt-host" is invalid: metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: "strict": must be one of privileged, baseline, restricted',
    );
    const stricter = await server.kubectl([
      "label",
      "--overwrite",
      "namespace",
      "kt-warn",
      "pod-security.kubernetes.io/enforce=baseline",
      "--dry-run=server",
    ]);
    expect(stricter.code, stricter.stderr).toBe(0);
    expect(stricter.stderr).toBe("");
    const strictest = await server.kubectl([
      "label",
      "--overwrite",
      "namespace",
      "kt-warn",
      "pod-security.kubernetes.io/enforce=restricted",
    ]);
    expect(strictest.code, strictest.stderr).toBe(0);
    expect(strictest.stderr).toContain(
      'Warning: existing pods in namespace "kt-warn" violate the new PodSecurity enforce level "restricted:latest"',
    );
    expect(strictest.stderr).toContain(
      "Warning: plain: allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile",
    );
  });

  /** A pod's first container waiting reason and message, once the kubelet reported one. */
  async function waiting(ns: string, name: string, reason: string): Promise<string> {
    return until(
      `pod ${name} waiting in ${reason}`,
      async () => {
        const r = await server.kubectl([
          "-n",
          ns,
          "get",
          "pod",
          name,
          "-o",
          "jsonpath={.status.containerStatuses[0].state.waiting.reason}|{.status.containerStatuses[0].state.waiting.message}",
        ]);
        const [got, message] = r.stdout.split("|");
        return got === reason ? (message ?? "") : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }

  test("hostPath DirectoryOrCreate creates the directory; File on a missing path fails the mount", async () => {
    const made = join(hostDir, "made", "here");
    const spec = {
      containers: [{ ...sleeper, volumeMounts: [{ name: "d", mountPath: "/data" }] }],
      volumes: [{ name: "d", hostPath: { path: made, type: "DirectoryOrCreate" } }],
    };
    const r = await server.kubectl(["create", "-f", "-"], { stdin: pod("mkdir", spec, "kt-host") });
    expect(r.code, r.stderr).toBe(0);
    await until("the hostPath directory", () => (existsSync(made) ? true : undefined), { timeoutMs: 30_000 });
    expect(statSync(made).isDirectory()).toBe(true);
    expect(statSync(made).mode & 0o777).toBe(0o755);

    const missing = join(hostDir, "no-such-file");
    const fileSpec = {
      containers: [{ ...sleeper, volumeMounts: [{ name: "f", mountPath: "/f" }] }],
      volumes: [{ name: "f", hostPath: { path: missing, type: "File" } }],
    };
    const f = await server.kubectl(["create", "-f", "-"], { stdin: pod("nofile", fileSpec, "kt-host") });
    expect(f.code, f.stderr).toBe(0);
    const event = await until(
      "the FailedMount event",
      async () => {
        const e = await server.kubectl([
          "-n",
          "kt-host",
          "get",
          "events",
          "--field-selector",
          "involvedObject.name=nofile,reason=FailedMount",
          "-o",
          "jsonpath={.items[0].message}",
        ]);
        return e.stdout || undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(event).toBe(
      `MountVolume.SetUp failed for volume "f" : hostPath type check failed: ${missing} is not a file`,
    );
    expect(existsSync(missing)).toBe(false);
    const phase = await server.kubectl([
      "-n",
      "kt-host",
      "get",
      "pod",
      "nofile",
      "-o",
      "jsonpath={.status.phase}",
    ]);
    expect(phase.stdout).toBe("Pending");
  }, 60_000);

  test("a NUL byte or an argument over the kernel's limit: CreateContainerError with the message and an event", async () => {
    const nul = { containers: [{ name: "c", image: "busybox", command: ["echo", "a\u0000b"] }] };
    const r = await server.kubectl(["create", "-f", "-"], { stdin: pod("nul", nul, "kt-host") });
    expect(r.code, r.stderr).toBe(0);
    const message = await waiting("kt-host", "nul", "CreateContainerError");
    expect(message).toMatch(
      /^failed to generate container "[0-9a-f]{64}" spec: args\[1\] contains a NUL byte, which exec cannot pass: invalid argument$/,
    );
    const big = { containers: [{ name: "c", image: "busybox", command: ["echo", "x".repeat(200_000)] }] };
    const b = await server.kubectl(["create", "-f", "-"], { stdin: pod("big", big, "kt-host") });
    expect(b.code, b.stderr).toBe(0);
    expect(await waiting("kt-host", "big", "CreateContainerError")).toContain(
      "args[1] is 200001 bytes, over the kernel's limit of 131072 for one string (MAX_ARG_STRLEN): argument list too long",
    );
    const events = await server.kubectl([
      "-n",
      "kt-host",
      "get",
      "events",
      "--field-selector",
      "involvedObject.name=nul,reason=Failed",
      "-o",
      "jsonpath={.items[0].message}",
    ]);
    expect(events.stdout).toContain("Error: failed to generate container");
  }, 60_000);
});
