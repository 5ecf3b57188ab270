// The API from inside pods: a pod running the real kubectl with its in-cluster configuration
// (the ServiceAccount token, ca.crt and namespace mounted at
// /var/run/secrets/kubernetes.io/serviceaccount, the `kubernetes` Service's address in its
// environment) is refused until a RoleBinding allows it, then succeeds. And a pod can no longer
// use the kubelet's port on the node address: anonymous is 401, its ServiceAccount 403.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { type KubeServer, startKubeServer } from "../../harness/kube-server.ts";
import { kubectlBinary } from "../../harness/kubectl.ts";
import { until } from "../../harness/until.ts";

const root = process.getuid?.() === 0;
/** A real kubectl binary (not the dispatcher) to run inside pods; pods are host processes. */
function podKubectl(): string | undefined {
  const dispatcher = kubectlBinary();
  if (!dispatcher) return undefined;
  const path = join(dirname(realpathSync(dispatcher)), "kubectl.1.33");
  return Bun.file(path).size > 0 ? path : undefined;
}
const kubectlInPod = podKubectl();

describe.skipIf(!root || !kubectlInPod)("the API from inside pods", () => {
  let server: KubeServer;

  beforeAll(async () => {
    server = await startKubeServer();
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
  });

  /** Runs `args` with the in-pod kubectl in a one-shot pod; resolves with its phase and log. */
  async function runPod(
    name: string,
    args: string[],
    automount = true,
    program: string = kubectlInPod as string,
  ): Promise<{ phase: string; log: string }> {
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name },
      spec: {
        restartPolicy: "Never",
        ...(automount ? {} : { automountServiceAccountToken: false }),
        containers: [
          {
            name: "kubectl",
            image: "busybox",
            command: [program, ...args],
            env: [{ name: "HOME", value: "/tmp" }],
          },
        ],
      },
    };
    const created = await server.kubectl(["create", "-f", "-"], { stdin: JSON.stringify(pod) });
    expect(created.code, created.stderr).toBe(0);
    const phase = await until(
      `pod ${name} finished`,
      async () => {
        const r = await server.kubectl(["get", "pod", name, "-o", "jsonpath={.status.phase}"]);
        return r.stdout === "Succeeded" || r.stdout === "Failed" ? r.stdout : undefined;
      },
      { timeoutMs: 25_000, intervalMs: 200 },
    );
    const log = await server.kubectl(["logs", name]);
    return { phase, log: log.stdout };
  }

  test("the pod gets the ServiceAccount volume; kubectl in it is 403 until a RoleBinding, then lists pods", async () => {
    const first = await runPod("kt-incluster-1", ["get", "pods", "-o", "name"]);
    expect(first.phase).toBe("Failed");
    expect(first.log).toContain(
      'pods is forbidden: User "system:serviceaccount:default:default" cannot list resource "pods" in API group "" in the namespace "default"',
    );
    const mounts = await server.kubectl([
      "get",
      "pod",
      "kt-incluster-1",
      "-o",
      "jsonpath={.spec.containers[0].volumeMounts[0].mountPath}",
    ]);
    expect(mounts.stdout).toBe("/var/run/secrets/kubernetes.io/serviceaccount");
    const bind = await server.kubectl([
      "create",
      "rolebinding",
      "kt-sa-view",
      "--clusterrole=view",
      "--serviceaccount=default:default",
    ]);
    expect(bind.code, bind.stderr).toBe(0);
    const second = await runPod("kt-incluster-2", ["get", "pods", "-o", "name"]);
    expect(second.log).toContain("pod/kt-incluster-1");
    expect(second.phase).toBe("Succeeded");
  });

  test("the kubelet's port: anonymous 401; a pod with its ServiceAccount token 403 on exec and pods", async () => {
    const node = server.nodeNames[0] as string;
    const ip = (
      await server.kubectl([
        "get",
        "node",
        node,
        "-o",
        "jsonpath={.status.addresses[?(@.type=='InternalIP')].address}",
      ])
    ).stdout;
    const port = (
      await server.kubectl([
        "get",
        "node",
        node,
        "-o",
        "jsonpath={.status.daemonEndpoints.kubeletEndpoint.Port}",
      ])
    ).stdout;
    const kubeletUrl = `https://${ip}:${port}`;
    const anonymous = await fetch(`${kubeletUrl}/pods`, { tls: { rejectUnauthorized: false } });
    expect(anonymous.status).toBe(401);
    const exec = await fetch(`${kubeletUrl}/exec/default/kt-incluster-1/kubectl?command=id&output=1`, {
      method: "POST",
      tls: { rejectUnauthorized: false },
    });
    expect(exec.status).toBe(401);
    // From inside a pod, with the pod's own ServiceAccount token: authenticated, not authorized.
    const script = `${kubectlInPod} --server ${kubeletUrl} --insecure-skip-tls-verify --token="$(cat /var/run/secrets/kubernetes.io/serviceaccount/token)" get --raw /pods`;
    const withToken = await runPod("kt-kubelet-sa", ["-c", script], true, "sh");
    expect(withToken.phase).toBe("Failed");
    expect(withToken.log).toContain("Forbidden");
  });
});
