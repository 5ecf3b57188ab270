// The kubelet's server behind a real apiserver, driven by the real kubectl: logs (tail,
// timestamps, previous, follow until exit), exec (exit codes, stdin), port-forward to a TCP
// server, top pod/node, and the errors for an unknown container, an unscheduled pod and a
// container still waiting. The runtime is a stub: exec runs local processes, the "pod" is 127.0.0.1.
// The kubelet's port is TLS with webhook authentication and authorization, and the apiserver
// reaches it with its kubelet client certificate, as in a secured cluster.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Pod } from "kubernetes-types/core/v1";
import type { KubeletClientConfig } from "../../components/apiserver/handlers/kubelet-client.ts";
import { startApiserver } from "../../components/apiserver/server.ts";
import type {
  ContainerStatus,
  ExecProcess,
  Runtime,
  SandboxStatus,
} from "../../components/kubelet/runtime/runtime.ts";
import { criLine } from "../../components/kubelet/server/cri-log.ts";
import { type KubeletServer, startKubeletServer } from "../../components/kubelet/server/kubelet-server.ts";
import { ApiClient } from "../../lib/client/api-client.ts";
import { startTestApiserver, type TestApiserver } from "../harness/apiserver.ts";
import { type Kubectl, kubectlBinary, kubectlFor } from "../harness/kubectl.ts";
import { makeTestPki, type TestPki } from "../harness/openssl-pki.ts";

const hasKubectl = kubectlBinary() !== null;

let api: TestApiserver;
let kubelet: KubeletServer;
let kubectl: Kubectl;
let dir: string;
let target: ReturnType<typeof Bun.serve>;
let pki: TestPki;
let kubeletClient: KubeletClientConfig;
const pods: Pod[] = [];
const sandboxes: SandboxStatus[] = [];
const containers: ContainerStatus[] = [];
const children = new Set<{ kill(signal?: NodeJS.Signals | number): unknown }>();

function notUsed(): never {
  throw new Error("not used by the kubelet server");
}

function localExec(argv: string[], stdin: boolean): ExecProcess {
  const child = spawn(argv[0] as string, argv.slice(1), {
    stdio: [stdin ? "pipe" : "ignore", "pipe", "pipe"],
  });
  children.add(child);
  const exited = new Promise<number>((resolve) => {
    child.once("error", () => resolve(127));
    child.once("exit", (code, signal) => {
      children.delete(child);
      resolve(code ?? 128 + (signal === "SIGKILL" ? 9 : 15));
    });
  });
  return {
    stdin: child.stdin ?? undefined,
    stdout: child.stdout as NonNullable<typeof child.stdout>,
    stderr: child.stderr ?? undefined,
    exited,
    resize: () => undefined,
    kill: (signal) => void child.kill(signal ?? "SIGTERM"),
  };
}

const stubRuntime: Runtime = {
  name: "stub",
  networking: "host",
  nodeIP: "127.0.0.1",
  podCIDR: undefined,
  runSandbox: notUsed,
  stopSandbox: notUsed,
  removeSandbox: notUsed,
  listSandboxes: async () => sandboxes,
  startContainer: notUsed,
  stopContainer: notUsed,
  removeContainer: notUsed,
  listContainers: async (id) => containers.filter((c) => !id || c.sandboxId === id),
  exec: async (_id, argv, options) => localExec(argv, options.stdin),
  // Attach sees the container's output from now on: here a process that prints and ends.
  attach: async () => localExec(["sh", "-c", "echo attached output"], false),
  stats: async (id) => ({
    cpuUsageNanos: Math.round(performance.now() * 1e6 * 0.05) + (id.length % 3),
    memoryWorkingSetBytes: 40 * 1024 * 1024,
    timestamp: new Date(),
  }),
  subscribe: () => () => undefined,
  close: async () => undefined,
};

async function post(path: string, body: object): Promise<Record<string, unknown>> {
  const res = await fetch(`${api.url}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const out = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(out)}`);
  return out;
}

async function put(path: string, body: object): Promise<void> {
  const res = await fetch(`${api.url}${path}`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`PUT ${path}: ${res.status} ${await res.text()}`);
}

function container(
  sandboxId: string,
  name: string,
  attempt: number,
  state: ContainerStatus["state"],
): ContainerStatus {
  const logPath = join(dir, `${sandboxId}-${name}-${attempt}.log`);
  writeFileSync(logPath, "");
  const c: ContainerStatus = {
    id: `${sandboxId}-${name}-${attempt}`,
    sandboxId,
    name,
    attempt,
    image: "busybox",
    state,
    createdAt: new Date(),
    startedAt: new Date(),
    logPath,
    labels: {},
  };
  containers.push(c);
  return c;
}

/** Creates a pod through the API (Running, on node kt-node unless unscheduled) and its sandbox. */
async function runPod(name: string, names: string[], options: { node?: boolean; sandbox?: boolean } = {}) {
  const pod = (await post("/api/v1/namespaces/default/pods", {
    metadata: { name, labels: { app: name } },
    spec: {
      ...(options.node === false ? {} : { nodeName: "kt-node" }),
      containers: names.map((n) => ({ name: n, image: "busybox" })),
    },
  })) as Pod;
  const running: Pod = {
    ...pod,
    status: { phase: "Running", podIP: "127.0.0.1", startTime: new Date().toISOString() },
  };
  await put(`/api/v1/namespaces/default/pods/${name}/status`, running);
  pods.push(running);
  if (options.sandbox !== false) {
    sandboxes.push({
      id: `sb-${name}`,
      uid: pod.metadata?.uid as string,
      name,
      namespace: "default",
      state: "ready",
      ip: "127.0.0.1",
      hostNetwork: true,
      createdAt: new Date(),
      labels: {},
    });
  }
  return pod;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "kt-kubelet-server-"));
  pki = makeTestPki();
  const serving = pki.issue("kt-node");
  const client = pki.issue("apiserver-kubelet-client", {
    cn: "kube-apiserver-kubelet-client",
    organizations: ["system:masters"],
  });
  kubeletClient = { certPem: client.certPem, keyPem: client.keyPem, caPem: pki.ca.certPem };
  api = await startTestApiserver({ kubeletClient });
  kubelet = await startKubeletServer({
    address: "127.0.0.1",
    port: 0,
    readOnlyPort: 0,
    runtime: stubRuntime,
    pods: () => pods,
    nodeName: "kt-node",
    log: () => undefined,
    serving: {
      mode: "tls",
      certPem: serving.certPem,
      keyPem: serving.keyPem,
      clientCaPem: pki.ca.certPem,
      api: new ApiClient({ server: api.url }),
    },
  });
  target = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req) => new Response(`pod says hi to ${new URL(req.url).pathname}`),
  });
  const nodeStatus = {
    addresses: [{ type: "InternalIP", address: "127.0.0.1" }],
    daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } },
    capacity: { cpu: "2", memory: "4Gi", pods: "110" },
    allocatable: { cpu: "2", memory: "4Gi", pods: "110" },
  };
  const node = await post("/api/v1/nodes", { metadata: { name: "kt-node" }, status: nodeStatus });
  await put("/api/v1/nodes/kt-node/status", { ...node, status: nodeStatus });
  kubectl = kubectlFor(api.url);

  await runPod("web", ["web"]);
  const t0 = new Date("2024-05-01T10:00:00Z");
  const web = container("sb-web", "web", 0, "running");
  appendFileSync(
    web.logPath,
    criLine("stdout", "line one", t0) +
      criLine("stderr", "line two", t0) +
      criLine("stdout", "line three", t0),
  );
  await runPod("multi", ["main", "side"]);
  const old = container("sb-multi", "main", 0, "exited");
  appendFileSync(old.logPath, criLine("stdout", "from the previous run", t0));
  container("sb-multi", "main", 1, "running");
  container("sb-multi", "side", 0, "running");
  await runPod("pending", ["p"], { node: false, sandbox: false });
  await runPod("waiting", ["w"], { sandbox: false });
  await runPod("stopped", ["s"]);
  container("sb-stopped", "s", 0, "exited");
});

afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
  kubectl?.cleanup();
  target?.stop(true);
  await kubelet?.stop();
  await api?.stop();
  pki?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("kubelet server endpoints", () => {
  test("/healthz, /pods, /spec/ and /stats/summary on the read-only port; no logs there", async () => {
    const ro = `http://127.0.0.1:${kubelet.readOnlyPort}`;
    expect(await (await fetch(`${ro}/healthz`)).text()).toBe("ok");
    const list = (await (await fetch(`${ro}/pods`)).json()) as { kind: string; items: Pod[] };
    expect(list.kind).toBe("PodList");
    expect(list.items.map((p) => p.metadata?.name)).toContain("web");
    const spec = (await (await fetch(`${ro}/spec/`)).json()) as {
      num_cores: number;
      memory_capacity: number;
    };
    expect(spec.num_cores).toBeGreaterThan(0);
    expect(spec.memory_capacity).toBeGreaterThan(0);
    const summary = (await (await fetch(`${ro}/stats/summary`)).json()) as {
      node: { nodeName: string; cpu: { usageNanoCores: number }; memory: { workingSetBytes: number } };
      pods: Array<{
        podRef: { name: string };
        containers: Array<{ name: string; cpu: { usageNanoCores: number } }>;
      }>;
    };
    expect(summary.node.nodeName).toBe("kt-node");
    expect(summary.node.memory.workingSetBytes).toBeGreaterThan(0);
    const web = summary.pods.find((p) => p.podRef.name === "web");
    expect(web?.containers[0]?.name).toBe("web");
    expect(web?.containers[0]?.cpu.usageNanoCores).toBeGreaterThan(0);
    expect((await fetch(`${ro}/containerLogs/default/web/web`)).status).toBe(404);
  });

  test("an unknown container or pod is refused before any upgrade, with a Status", async () => {
    const base = `https://127.0.0.1:${kubelet.port}`;
    const tls = { ca: kubeletClient.caPem, cert: kubeletClient.certPem, key: kubeletClient.keyPem };
    const res = await fetch(`${base}/exec/default/web/nope?command=true`, {
      tls,
      headers: {
        Upgrade: "websocket",
        Connection: "Upgrade",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Protocol": "v5.channel.k8s.io",
      },
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toBe(
      'container "nope" not found in pod "web"',
    );
    const gone = await fetch(`${base}/containerLogs/default/ghost/x`, { tls });
    expect(gone.status).toBe(404);
  });

  test("the main port wants credentials: anonymous is 401, plain http gets nothing", async () => {
    const anonymous = await fetch(`https://127.0.0.1:${kubelet.port}/pods`, {
      tls: { ca: kubeletClient.caPem },
    });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).toBe("Unauthorized");
    const plain = await fetch(`http://127.0.0.1:${kubelet.port}/pods`).then(
      (r) => r.status,
      () => 0,
    );
    expect(plain).not.toBe(200);
  });
});

describe.skipIf(!hasKubectl)("through the apiserver with the real kubectl", () => {
  test("kubectl logs, --tail, --timestamps, --previous, -c", async () => {
    expect((await kubectl(["logs", "web"])).stdout).toBe("line one\nline two\nline three\n");
    expect((await kubectl(["logs", "web", "--tail=1"])).stdout).toBe("line three\n");
    expect((await kubectl(["logs", "web", "--tail=1", "--timestamps"])).stdout).toBe(
      "2024-05-01T10:00:00.000Z line three\n",
    );
    expect((await kubectl(["logs", "multi", "-c", "main", "--previous"])).stdout).toBe(
      "from the previous run\n",
    );
    const none = await kubectl(["logs", "multi", "-c", "side", "--previous"]);
    expect(none.stderr).toContain('previous terminated container "side" in pod "multi" not found');
  });

  test("kubectl logs -f streams lines as they come and ends when the container exits", async () => {
    const follow = container("sb-web", "web", 1, "running");
    try {
      appendFileSync(follow.logPath, criLine("stdout", "first"));
      const proc = Bun.spawn(
        [
          kubectlBinary() as string,
          `--kubeconfig=${kubectl.kubeconfig}`,
          `--cache-dir=${join(kubectl.dir, "cache")}`,
          "logs",
          "-f",
          "web",
        ],
        {
          stdout: "pipe",
          stderr: "pipe",
          env: { ...process.env, HOME: kubectl.dir },
        },
      );
      children.add(proc);
      const reader = proc.stdout.getReader();
      let seen = "";
      const waitFor = async (text: string) => {
        const deadline = Date.now() + 15_000;
        while (!seen.includes(text)) {
          if (Date.now() > deadline)
            throw new Error(`kubectl logs -f never printed ${text}; got ${JSON.stringify(seen)}`);
          const r = await reader.read();
          if (r.done) throw new Error(`kubectl logs -f ended early: ${JSON.stringify(seen)}`);
          seen += new TextDecoder().decode(r.value);
        }
      };
      await waitFor("first\n");
      appendFileSync(follow.logPath, criLine("stdout", "second"));
      await waitFor("second\n");
      appendFileSync(follow.logPath, criLine("stdout", "last words"));
      follow.state = "exited";
      await waitFor("last words\n");
      expect(await proc.exited).toBe(0);
      children.delete(proc);
      expect(seen).toBe("first\nsecond\nlast words\n");
    } finally {
      containers.splice(containers.indexOf(follow), 1);
    }
  });

  test("kubectl exec: output, exit code, stdin", async () => {
    // kubectl's websocket executor can exit on the exit-code Status before its stdout copier
    // wrote what came just before it (kubernetes/kubernetes#124571): seen once in a few hundred
    // runs here, so a second try is allowed; every try must end with the same code and stderr.
    let r = await kubectl(["exec", "web", "--", "sh", "-c", "echo hi; echo oops >&2; exit 3"]);
    for (let retry = 0; retry < 2 && r.stdout === "" && r.code === 3; retry++)
      r = await kubectl(["exec", "web", "--", "sh", "-c", "echo hi; echo oops >&2; exit 3"]);
    expect(r.stdout).toBe("hi\n");
    expect(r.stderr).toContain("oops\n");
    expect(r.stderr).toContain("command terminated with exit code 3");
    expect(r.code).toBe(3);
    const ok = await kubectl(["exec", "multi", "-c", "side", "--", "true"]);
    expect(ok.code).toBe(0);
    const cat = await kubectl(["exec", "-i", "web", "--", "cat"], { stdin: "hello stdin\nand more\n" });
    expect(cat.stdout).toBe("hello stdin\nand more\n");
    expect(cat.code).toBe(0);
  });

  test("kubectl attach relays the container's output", async () => {
    const r = await kubectl(["attach", "web"]);
    expect(r.stdout).toContain("attached output\n");
    expect(r.code).toBe(0);
  });

  test("kubectl port-forward to a TCP server behind the pod IP", async () => {
    const port = String(target.port);
    const proc = Bun.spawn(
      [
        kubectlBinary() as string,
        `--kubeconfig=${kubectl.kubeconfig}`,
        `--cache-dir=${join(kubectl.dir, "cache")}`,
        "port-forward",
        "-v=8",
        "pod/web",
        `:${port}`,
      ],
      { stdout: "pipe", stderr: "pipe", env: { ...process.env, HOME: kubectl.dir } },
    );
    children.add(proc);
    try {
      const reader = proc.stdout.getReader();
      let out = "";
      const deadline = Date.now() + 15_000;
      let local: string | undefined;
      while (!local) {
        if (Date.now() > deadline) throw new Error(`no Forwarding line: ${out}`);
        const r = await reader.read();
        if (r.done)
          throw new Error(`kubectl port-forward exited: ${out} ${await new Response(proc.stderr).text()}`);
        out += new TextDecoder().decode(r.value);
        local = /Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)/.exec(out)?.[1];
      }
      expect(out).toContain(`-> ${port}`);
      for (const path of ["/one", "/two"]) {
        const res = await fetch(`http://127.0.0.1:${local}${path}`, { headers: { Connection: "close" } });
        expect(await res.text()).toBe(`pod says hi to ${path}`);
      }
    } finally {
      proc.kill("SIGTERM");
      await proc.exited;
      children.delete(proc);
    }
  });

  test("kubectl top pod and top node", async () => {
    const pod = await kubectl(["top", "pod", "web"]);
    expect(pod.code).toBe(0);
    expect(pod.stdout).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    expect(pod.stdout).toMatch(/web\s+\d+m\s+40Mi/);
    const all = await kubectl(["top", "pod", "--containers"]);
    expect(all.stdout).toMatch(/multi\s+side/);
    const node = await kubectl(["top", "node"]);
    expect(node.code).toBe(0);
    expect(node.stdout).toMatch(/kt-node\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/);
  });

  test("bad input: unknown container, unscheduled pod, waiting container, several containers", async () => {
    // kubectl checks the container itself before it asks; the server gives the same answer.
    const logs = await kubectl(["logs", "web", "-c", "nope"]);
    expect(logs.stderr).toContain("container nope is not valid for pod web");
    const direct = await fetch(`${api.url}/api/v1/namespaces/default/pods/web/log?container=nope`);
    expect(direct.status).toBe(400);
    expect(((await direct.json()) as { message: string }).message).toBe(
      "container nope is not valid for pod web",
    );
    const exec = await kubectl(["exec", "web", "-c", "nope", "--", "true"]);
    expect(exec.stderr).toContain("container nope is not valid for pod web");
    expect(exec.code).not.toBe(0);
    const pending = await kubectl(["exec", "pending", "--", "true"]);
    expect(pending.stderr).toContain("pod pending does not have a host assigned");
    // Refused by the kubelet: kubectl's SPDY retry gets the kubelet's reason too.
    const stopped = await kubectl(["exec", "stopped", "--", "true"]);
    expect(stopped.stderr).toContain(
      'Error from server (BadRequest): container "s" in pod "stopped" is not running',
    );
    const waiting = await kubectl(["logs", "waiting"]);
    expect(waiting.stderr).toContain('container "w" in pod "waiting" is waiting to start: ContainerCreating');
    const several = await fetch(`${api.url}/api/v1/namespaces/default/pods/multi/log`);
    expect(several.status).toBe(400);
    expect(((await several.json()) as { message: string }).message).toBe(
      "a container name must be specified for pod multi, choose one of: [main side]",
    );
  });

  test("pods/proxy and nodes/proxy; the metrics group in discovery and OpenAPI", async () => {
    const pod = await kubectl([
      "get",
      "--raw",
      `/api/v1/namespaces/default/pods/web:${target.port}/proxy/hello?x=1`,
    ]);
    expect(pod.stdout).toBe("pod says hi to /hello");
    const node = await kubectl(["get", "--raw", "/api/v1/nodes/kt-node/proxy/healthz"]);
    expect(node.stdout).toBe("ok");
    const spec = await fetch(`${api.url}/api/v1/nodes/kt-node/proxy/spec/`);
    expect(((await spec.json()) as { num_cores: number }).num_cores).toBeGreaterThan(0);
    const resources = await kubectl(["api-resources", "--api-group=metrics.k8s.io"]);
    expect(resources.stdout).toMatch(/pods\s+metrics\.k8s\.io\/v1beta1\s+true\s+PodMetrics/);
    expect((await fetch(`${api.url}/openapi/v3`)).status).toBe(200);
    expect((await fetch(`${api.url}/openapi/v3/apis/metrics.k8s.io/v1beta1`)).status).toBe(200);
    const missing = await fetch(`${api.url}/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/ghost`);
    expect(missing.status).toBe(404);
  });

  test("an apiserver that does not trust the kubelet's CA, or has no kubelet certificate, gets no logs", async () => {
    const other = makeTestPki();
    const stranger = other.issue("stranger", { organizations: ["system:masters"] });
    const logsWith = async (client: KubeletClientConfig | undefined) => {
      const inProcess = await startApiserver({
        kv: api.kv,
        compactionIntervalMs: 0,
        ...(client ? { kubeletClient: client } : {}),
      });
      try {
        const res = await inProcess.handler(
          new Request("http://x/api/v1/namespaces/default/pods/web/log?tailLines=1"),
        );
        return { status: res.status, body: await res.text() };
      } finally {
        await inProcess.stop();
      }
    };
    try {
      const untrusted = await logsWith({ ...kubeletClient, caPem: other.ca.certPem });
      expect(untrusted.status).toBe(500);
      expect(untrusted.body).toContain("error dialing backend");
      const unknownClient = await logsWith({
        certPem: stranger.certPem,
        keyPem: stranger.keyPem,
        caPem: pki.ca.certPem,
      });
      expect(unknownClient.status).toBe(401);
      expect(unknownClient.body).toBe("Unauthorized");
      const plain = await logsWith(undefined);
      expect(plain.status).not.toBe(200);
    } finally {
      other.remove();
    }
  });

  test("the in-process handler (no Bun server) answers 503 for upgrades", async () => {
    const inProcess = await startApiserver({ kv: api.kv, compactionIntervalMs: 0, kubeletClient });
    try {
      const res = await inProcess.handler(
        new Request("http://x/api/v1/namespaces/default/pods/web/exec?command=true&container=web", {
          headers: { Upgrade: "websocket", "Sec-WebSocket-Protocol": "v5.channel.k8s.io" },
        }),
      );
      expect(res.status).toBe(503);
      expect(((await res.json()) as { message: string }).message).toContain("cannot upgrade");
      // Logs need no upgrade: they work in-process too.
      const logs = await inProcess.handler(
        new Request("http://x/api/v1/namespaces/default/pods/web/log?tailLines=1"),
      );
      expect(await logs.text()).toBe("line three\n");
    } finally {
      await inProcess.stop();
    }
  });
});
