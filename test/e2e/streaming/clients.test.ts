// The client libraries new users reach for, against kube server over https with the kubeconfig
// it writes: the npm @kubernetes/client-node (in this process) and Debian's python3-kubernetes
// (/usr/bin/python3), each through watch, exec (output, stderr and the exit code's Status), logs
// and port-forward (both speak the websocket v4.channel.k8s.io protocol with `ports=`).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import * as k8s from "@kubernetes/client-node";
import { type KubeServer, startKubeServer } from "../../harness/kube-server.ts";
import { runProcess } from "../../harness/run-process.ts";
import { until } from "../../harness/until.ts";

const root = process.getuid?.() === 0;
const PYTHON = "/usr/bin/python3";
const havePython = spawnSync(PYTHON, ["-c", "import kubernetes"]).status === 0;
const POD = "kt-clients";
const WEB_PORT = 18081;
const PAGE = "served to the client libraries\n";

const PY_SCRIPT = `
import json, sys
from kubernetes import client, config, watch
from kubernetes.stream import stream, portforward
config.load_kube_config(sys.argv[1])
v1 = client.CoreV1Api()
result = {}
result["exec"] = stream(v1.connect_get_namespaced_pod_exec, "${POD}", "default", container="main",
    command=["/bin/busybox", "sh", "-c", "echo out; echo err >&2"], stderr=True, stdin=False, stdout=True, tty=False)
ws = stream(v1.connect_get_namespaced_pod_exec, "${POD}", "default", container="main",
    command=["/bin/busybox", "sh", "-c", "exit 7"], stderr=True, stdin=False, stdout=True, tty=False,
    _preload_content=False)
ws.run_forever(timeout=10)
result["exitcode"] = ws.returncode
result["log"] = v1.read_namespaced_pod_log("${POD}", "default", container="main")
pf = portforward(v1.connect_get_namespaced_pod_portforward, "${POD}", "default", ports="${WEB_PORT}")
s = pf.socket(${WEB_PORT})
s.setblocking(True)
s.sendall(b"GET /index.html HTTP/1.0\\r\\n\\r\\n")
data = b""
while True:
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
s.close()
result["portforward"] = data.decode()
result["portforwardError"] = pf.error(${WEB_PORT})
events = []
for ev in watch.Watch().stream(v1.list_namespaced_pod, "default", timeout_seconds=2):
    events.append([ev["type"], ev["object"].metadata.name])
result["watch"] = events
print(json.dumps(result))
`;

describe.skipIf(!root)("client libraries: watch, exec, logs and port-forward", () => {
  let server: KubeServer;
  let dir: string;
  let kc: k8s.KubeConfig;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "kt-clients-"));
    writeFileSync(join(dir, "index.html"), PAGE);
    server = await startKubeServer();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(server.kubeconfig);
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: POD },
      spec: {
        containers: [
          {
            name: "main",
            image: "busybox",
            command: ["/bin/busybox", "sh", "-c", "echo first line; sleep 3600"],
          },
          {
            name: "web",
            image: "busybox",
            command: ["/bin/busybox", "httpd", "-f", "-p", String(WEB_PORT), "-h", dir],
          },
        ],
      },
    };
    const created = await server.kubectl(["create", "-f", "-"], { stdin: JSON.stringify(pod) });
    expect(created.code, created.stderr).toBe(0);
    await until(
      `pod ${POD} Running`,
      async () => {
        const r = await server.kubectl(["get", "pod", POD, "-o", "jsonpath={.status.phase}"]);
        return r.stdout === "Running" ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("@kubernetes/client-node", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);

    // watch: the existing pod arrives as ADDED, a new ConfigMap's creation as ADDED too.
    const seen: string[] = [];
    const watch = new k8s.Watch(kc);
    const req = await watch.watch(
      "/api/v1/namespaces/default/configmaps",
      {},
      (type, obj: { metadata?: { name?: string } }) => seen.push(`${type} ${obj.metadata?.name}`),
      () => undefined,
    );
    await core.createNamespacedConfigMap({
      namespace: "default",
      body: { metadata: { name: "kt-watched" }, data: { a: "b" } },
    });
    await until("the watch event", () => (seen.includes("ADDED kt-watched") ? true : undefined));
    req.abort();

    // exec: stdout, stderr and the v4 Status with the exit code.
    const exec = new k8s.Exec(kc);
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = "";
    let stderr = "";
    out.on("data", (b: Buffer) => {
      stdout += b.toString();
    });
    err.on("data", (b: Buffer) => {
      stderr += b.toString();
    });
    const status = await new Promise<k8s.V1Status>((resolve) => {
      void exec.exec(
        "default",
        POD,
        "main",
        ["/bin/busybox", "sh", "-c", "echo out; echo err >&2; exit 5"],
        out,
        err,
        null,
        false,
        resolve,
      );
    });
    expect(stdout).toBe("out\n");
    expect(stderr).toBe("err\n");
    expect(status.reason).toBe("NonZeroExitCode");
    expect(status.details?.causes).toEqual([{ reason: "ExitCode", message: "5" }]);

    // logs
    const log = await core.readNamespacedPodLog({ name: POD, namespace: "default", container: "main" });
    expect(log).toBe("first line\n");

    // port-forward: an HTTP request through the v4 channel protocol.
    const pf = new k8s.PortForward(kc);
    const data = new PassThrough();
    const errors = new PassThrough();
    const input = new PassThrough();
    let received = "";
    let errorText = "";
    data.on("data", (b: Buffer) => {
      received += b.toString();
    });
    errors.on("data", (b: Buffer) => {
      errorText += b.toString();
    });
    const ws = (await pf.portForward("default", POD, [WEB_PORT], data, errors, input)) as { close(): void };
    input.write("GET /index.html HTTP/1.0\r\n\r\n");
    await until("the page through port-forward", () => (received.endsWith(PAGE) ? true : undefined));
    expect(received).toStartWith("HTTP/1.");
    expect(errorText).toBe("");
    ws.close();
  }, 60_000);

  test.skipIf(!havePython)(
    "python3-kubernetes",
    async () => {
      const script = join(dir, "client.py");
      writeFileSync(script, PY_SCRIPT);
      const { stdout, stderr, code } = await runProcess([PYTHON, script, server.kubeconfig], {
        timeoutMs: 60_000,
      });
      expect(code, stderr).toBe(0);
      const result = JSON.parse(stdout) as Record<string, unknown>;
      expect(result.exec).toBe("out\nerr\n");
      expect(result.exitcode).toBe(7);
      expect(result.log).toBe("first line\n");
      expect(result.portforward as string).toStartWith("HTTP/1.");
      expect(result.portforward as string).toEndWith(PAGE);
      expect(result.portforwardError).toBeNull();
      expect(result.watch).toContainEqual(["ADDED", POD]);
    },
    90_000,
  );
});
