// A node whose advertised kubelet address answers nothing (as `kube kubelet --address 127.0.0.1`
// with an InternalIP elsewhere): logs, exec (websocket, then kubectl's SPDY retry), attach and
// port-forward say what upstream says, "dial tcp <address>: connect: connection refused", instead
// of a misleading refusal of SPDY.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type KubeServer, startKubeServer } from "../../harness/kube-server.ts";
import { kubectlVersion, type VersionedKubectl, versionedKubectl } from "./kubectl-streams.ts";

const root = process.getuid?.() === 0;
const NODE = "kt-unreachable-node";
const POD = "kt-on-unreachable";

describe.skipIf(!root)("a kubelet the apiserver cannot reach", () => {
  let server: KubeServer;
  let closedPort: number;
  const clients: VersionedKubectl[] = [];

  beforeAll(async () => {
    server = await startKubeServer();
    const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data: () => undefined } });
    closedPort = probe.port;
    probe.stop(true);
    const node = { apiVersion: "v1", kind: "Node", metadata: { name: NODE } };
    expect((await server.kubectl(["create", "-f", "-"], { stdin: JSON.stringify(node) })).code).toBe(0);
    const status = {
      status: {
        addresses: [{ type: "InternalIP", address: "127.0.0.1" }],
        daemonEndpoints: { kubeletEndpoint: { Port: closedPort } },
      },
    };
    const patched = await server.kubectl([
      "patch",
      "node",
      NODE,
      "--subresource=status",
      "--type=merge",
      "-p",
      JSON.stringify(status),
    ]);
    expect(patched.code, patched.stderr).toBe(0);
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: POD },
      spec: { nodeName: NODE, containers: [{ name: "main", image: "busybox" }] },
    };
    expect((await server.kubectl(["create", "-f", "-"], { stdin: JSON.stringify(pod) })).code).toBe(0);
    // Running, as its kubelet would report (kubectl port-forward refuses pods that are not).
    const running = await server.kubectl([
      "patch",
      "pod",
      POD,
      "--subresource=status",
      "--type=merge",
      "-p",
      JSON.stringify({ status: { phase: "Running" } }),
    ]);
    expect(running.code, running.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) c.cleanup();
    await server?.stop();
  });

  const refused = () => `dial tcp 127.0.0.1:${closedPort}: connect: connection refused`;

  test("logs", async () => {
    const logs = await server.kubectl(["logs", POD]);
    expect(logs.code).toBe(1);
    expect(logs.stderr).toContain(
      `Error from server: Get "https://127.0.0.1:${closedPort}/containerLogs/default/${POD}/main": ${refused()}`,
    );
  });

  for (const minor of [27, 33]) {
    const bin = kubectlVersion(minor);
    test.skipIf(!bin)(`exec, attach and port-forward with kubectl 1.${minor}`, async () => {
      const k = versionedKubectl(bin as string, server.kubeconfig);
      clients.push(k);
      const exec = await k.run(["exec", POD, "--", "true"]);
      expect(exec.code).toBe(1);
      expect(exec.stderr).toContain(`Error from server: error dialing backend: ${refused()}`);
      expect(exec.stderr).not.toContain("not supported");
      const attach = await k.run(["attach", POD]);
      expect(attach.stderr).toContain(`error dialing backend: ${refused()}`);
      const pf = k.spawn(["port-forward", `pod/${POD}`, ":80"]);
      const code = await pf.proc.exited;
      expect(code).toBe(1);
      expect(pf.err()).toContain(refused());
    });
  }
});
