// Seed 000 ("Rootless Kubernetes") as the seed meant it: `kube server` run by an ordinary user
// (useradd), replayed with the real kubectl: standalone kubelet, binding, scheduler, three
// replicas on three nodes answering hello on port 80 from their own IPs, rolling update, a
// NodePort from the host's 127.0.0.1, DNS, a pod reaching the host's loopback; then Ctrl-C
// leaves nothing. Pod IPs live in kube's own network namespace: the test enters it (nsenter).

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chownSync, existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { kubeBinary } from "../../harness/kube-binary.ts";
import { until } from "../../harness/until.ts";
import { recvOnly } from "../seeds/recv-only.ts";
import {
  createTestUser,
  processesLeft,
  type RootlessServer,
  startRootlessServer,
  type TestUser,
  tempFilesOf,
} from "./rootless-server.ts";

const usable =
  process.getuid?.() === 0 &&
  ["useradd", "unshare", "newuidmap", "slirp4netns", "setpriv", "nsenter", "kubectl"].every((b) =>
    Bun.which(b),
  );

const podYaml = (name: string, image: string, command?: string[]) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
${command ? "  restartPolicy: Never\n" : ""}  containers:
  - name: ${name}
    image: ${image}
${command ? `    command: ${JSON.stringify(command)}\n` : ""}`;

const deploymentYaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello
spec:
  replicas: 3
  selector:
    matchLabels:
      app: hello
  template:
    metadata:
      labels:
        app: hello
    spec:
      containers:
      - name: hello
        image: hello
`;

describe.skipIf(!usable)("seed 000 rootless: an ordinary user's kube server", () => {
  let user: TestUser;
  let server: RootlessServer | undefined;
  let hostHits = 0;
  let host: ReturnType<typeof Bun.serve> | undefined;
  const kubectl = (args: string[]) => (server as RootlessServer).kubectl(args);
  const lines = (text: string) => text.split("\n").filter(Boolean);
  const wait = <T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 25_000) =>
    until(what, fn, {
      timeoutMs,
      intervalMs: 150,
      onTimeout: async () => {
        const pods = await kubectl(["get", "pods,svc", "-A", "-o", "wide"]);
        console.error(
          `${pods.stdout}${pods.stderr}\n${server?.proc.stderr().split("\n").slice(-40).join("\n")}`,
        );
      },
    });
  /** ncat --recv-only IP 80, from inside kube's network namespace. */
  const recvInNetns = (ip: string, port = 80) =>
    wait(`${ip}:${port} to answer`, async () => {
      const r = server?.inNetns(["busybox", "nc", "-w", "3", ip, String(port)]);
      return r && r.code === 0 && r.stdout ? r.stdout : undefined;
    });
  const podPhaseIP = async (name: string) => {
    const r = await kubectl(["get", "pod", name, "-o", "jsonpath={.status.phase} {.status.podIP}"]);
    const [phase, ip] = r.stdout.split(" ");
    return phase === "Running" && ip ? ip : undefined;
  };
  const logsOf = (name: string) =>
    wait(`pod ${name} Succeeded`, async () => {
      const r = await kubectl(["get", "pod", name, "-o", "jsonpath={.status.phase}"]);
      if (r.stdout === "Failed")
        throw new Error(`pod ${name} failed: ${(await kubectl(["logs", name])).stdout}`);
      return r.stdout === "Succeeded" ? (await kubectl(["logs", name])).stdout : undefined;
    });

  beforeAll(async () => {
    user = createTestUser();
    host = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: () => {
        hostHits++;
        return new Response("hello from the host\n");
      },
    });
    // The seed's first master runs no scheduler: pods stay Pending until bound by hand.
    server = await startRootlessServer(user, ["--nodes", "3", "--disable", "scheduler"]);
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    host?.stop(true);
    if (user) user.remove();
  }, 60_000);

  test("automatic when not root, said in one line each: rootless, the network and port rule, cgroups, the runtime", () => {
    const log = server?.proc.stderr() ?? "";
    expect(log).toContain("kube server: not root, so rootless");
    expect(log).toMatch(
      /rootless: network: slirp4netns .*ports below \d+ \(net\.ipv4\.ip_unprivileged_port_start\)/,
    );
    expect(log).toContain("cgroup limits are off");
    // crun on PATH: the OCI runtime inside the user namespace (no cgroups: none are delegated).
    const runtime = Bun.which("crun") ? "oci" : "process";
    expect(log).toMatch(
      new RegExp(`kubelet \\S+: runtime ${runtime}: each pod gets its own network namespace`),
    );
    if (runtime === "oci")
      expect(log).toContain("rootless: runtime: OCI (crun, rootless, in the user namespace)");
    expect(log).toContain(`export KUBECONFIG=${join(user.home, ".kube-server", "kubeconfig.yaml")}`);
  });

  test("a second server on the same host port fails at once with one line naming the flag", async () => {
    const second = Bun.spawn(
      [
        "setpriv",
        `--reuid=${user.uid}`,
        `--regid=${user.gid}`,
        "--init-groups",
        "--",
        kubeBinary,
        "server",
        "--data-dir",
        join(user.home, "second"),
        "--secure-port",
        String(server?.apiPort),
      ],
      { stdout: "pipe", stderr: "pipe", env: { ...process.env, HOME: user.home } },
    );
    const [stderr, code] = await Promise.all([new Response(second.stderr).text(), second.exited]);
    expect(code).toBe(1);
    expect(stderr).toContain(
      `kube server: rootless: 127.0.0.1:${server?.apiPort} is in use on this host (another kube server?): choose another port with --secure-port`,
    );
  });

  test("standalone kubelet: a static pod runs hello-<node> in its own netns; it answers hello", async () => {
    const nodes = lines((await kubectl(["get", "nodes", "-o", "name"])).stdout).map((n) =>
      n.replace("node/", ""),
    );
    expect(nodes).toHaveLength(3);
    const file = join(user.home, ".kube-server", "pod-manifests", "pod.yaml");
    writeFileSync(file, podYaml("hello", "hello"));
    chownSync(file, user.uid, user.gid);
    const mirror = `hello-${nodes[0]}`;
    const ip = await wait(`${mirror} Running`, () => podPhaseIP(mirror));
    expect(await recvInNetns(ip)).toBe("hello\n");
    rmSync(file);
    await wait(`${mirror} gone`, async () =>
      (await kubectl(["get", "pod", mirror])).code !== 0 ? true : undefined,
    );
  }, 40_000);

  test("binding: the pod stays Pending without a scheduler; a Binding runs it; it answers hello", async () => {
    const node = lines((await kubectl(["get", "nodes", "-o", "name"])).stdout)[0]?.replace("node/", "") ?? "";
    expect(
      (await kubectl(["create", "-f", server?.kubectl.file("pod.yaml", podYaml("bound", "hello")) ?? ""]))
        .code,
    ).toBe(0);
    expect((await kubectl(["get", "pod", "bound", "--no-headers"])).stdout).toMatch(
      /^bound\s+0\/1\s+Pending/,
    );
    const bind = `apiVersion: v1\nkind: Binding\nmetadata: {name: bound}\ntarget: {apiVersion: v1, kind: Node, name: ${node}}\n`;
    expect((await kubectl(["create", "-f", server?.kubectl.file("bind.yaml", bind) ?? ""])).code).toBe(0);
    const ip = await wait("bound Running", () => podPhaseIP("bound"));
    expect(await recvInNetns(ip)).toBe("hello\n");
  }, 40_000);

  test("Ctrl-C stops everything; the restarted server (now with the scheduler) runs pods by itself", async () => {
    const old = server as RootlessServer;
    expect(await old.stop()).toBe(0);
    expect(existsSync(`/proc/${old.innerPid}`)).toBe(false);
    expect(await processesLeft(user.uid, user.sub)).toEqual([]);
    server = await startRootlessServer(user, ["--nodes", "3"]);
    const ip = await wait("the bound pod Running again", () => podPhaseIP("bound"));
    expect(await recvInNetns(ip)).toBe("hello\n");
    expect((await kubectl(["delete", "pod", "bound"])).code).toBe(0);
    await wait("bound gone", async () =>
      (await kubectl(["get", "pod", "bound"])).code !== 0 ? true : undefined,
    );
  }, 90_000);

  test("three replicas on three nodes answer hello on port 80 from their own IPs; rolling update", async () => {
    expect((await kubectl(["create", "-f", server?.kubectl.file("d.yaml", deploymentYaml) ?? ""])).code).toBe(
      0,
    );
    const pods = await wait("3 hello pods Running on 3 nodes", async () => {
      const r = await kubectl([
        "get",
        "pods",
        "-lapp=hello",
        "-o",
        'jsonpath={range .items[*]}{.status.phase} {.spec.nodeName} {.status.podIP}{"\\n"}{end}',
      ]);
      const rows = lines(r.stdout).map((l) => l.split(" "));
      return rows.length === 3 && rows.every((row) => row[0] === "Running" && row[2]) ? rows : undefined;
    });
    expect(new Set(pods.map((row) => row[1])).size).toBe(3);
    expect(new Set(pods.map((row) => row[2])).size).toBe(3);
    for (const row of pods) expect(await recvInNetns(row[2] as string)).toBe("hello\n");

    expect((await kubectl(["set", "image", "deployment/hello", "hello=hello-world"])).code).toBe(0);
    const status = await server?.kubectl(["rollout", "status", "deployment/hello", "--timeout=40s"], {
      timeoutMs: 45_000,
    });
    expect(status?.stdout).toContain('deployment "hello" successfully rolled out');
    const ips = await wait("3 new pods", async () => {
      const r = await kubectl(["get", "pods", "-lapp=hello", "-o", "jsonpath={.items[*].status.podIP}"]);
      const now = r.stdout.split(" ").filter(Boolean);
      return now.length === 3 ? now : undefined;
    });
    for (const ip of ips) expect(await recvInNetns(ip)).toBe("hello world\n");
  }, 90_000);

  test("a NodePort answers on the host's 127.0.0.1, forwarded as the Service appears", async () => {
    expect((await kubectl(["expose", "deployment", "hello", "--type=NodePort", "--port=80"])).code).toBe(0);
    const nodePort = Number(
      (await kubectl(["get", "svc", "hello", "-o", "jsonpath={.spec.ports[0].nodePort}"])).stdout,
    );
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    expect(await recvOnly("127.0.0.1", nodePort)).toBe("hello world\n");
  }, 40_000);

  test("a LoadBalancer's port 80 answers on the host's 127.0.0.1 at 10080 (the port rule); its forward goes with it", async () => {
    const expose = [
      "expose",
      "deployment",
      "hello",
      "--name",
      "hello-lb",
      "--type=LoadBalancer",
      "--port=80",
    ];
    expect((await kubectl(expose)).code).toBe(0);
    await wait("hello-lb's ingress IP", async () => {
      const r = await kubectl([
        "get",
        "svc",
        "hello-lb",
        "-o",
        "jsonpath={.status.loadBalancer.ingress[0].ip}",
      ]);
      return r.stdout || undefined;
    });
    expect(await recvOnly("127.0.0.1", 10080)).toBe("hello world\n");
    expect((await kubectl(["delete", "svc", "hello-lb"])).code).toBe(0);
    await wait("127.0.0.1:10080 free again", async () => {
      try {
        Bun.listen({ hostname: "127.0.0.1", port: 10080, socket: { data() {} } }).stop(true);
        return true;
      } catch {
        return undefined;
      }
    });
  }, 40_000);

  test("a pod resolves the Service by its DNS name", async () => {
    const clusterIP = (await kubectl(["get", "svc", "hello", "-o", "jsonpath={.spec.clusterIP}"])).stdout;
    const pod = podYaml("lookup", "busybox", [
      "sh",
      "-c",
      "getent ahostsv4 hello.default.svc.cluster.local | head -1",
    ]);
    expect((await kubectl(["create", "-f", server?.kubectl.file("lookup.yaml", pod) ?? ""])).code).toBe(0);
    expect(await logsOf("lookup")).toContain(clusterIP);
  }, 40_000);

  test("a pod reaches a server on the host's 127.0.0.1 (10.0.2.2 inside)", async () => {
    const port = host?.port ?? 0;
    const pod = podYaml("tohost", "busybox", ["wget", "-q", "-O-", `http://10.0.2.2:${port}/`]);
    expect((await kubectl(["create", "-f", server?.kubectl.file("tohost.yaml", pod) ?? ""])).code).toBe(0);
    expect(await logsOf("tohost")).toBe("hello from the host\n");
    expect(hostHits).toBeGreaterThan(0);
  }, 40_000);

  test("Ctrl-C leaves nothing: no process of the user, no namespace, no forward, no temp file", async () => {
    const running = server as RootlessServer;
    const nodePort = Number(
      (await kubectl(["get", "svc", "hello", "-o", "jsonpath={.spec.ports[0].nodePort}"])).stdout,
    );
    expect(await running.stop()).toBe(0);
    expect(running.proc.stderr()).toContain("kube server: stopped");
    expect(existsSync(`/proc/${running.innerPid}`)).toBe(false);
    expect(await processesLeft(user.uid, user.sub)).toEqual([]);
    expect(tempFilesOf(user.uid)).toEqual([]);
    // The host ports are free again.
    for (const port of [running.apiPort, nodePort]) {
      const probe = Bun.listen({ hostname: "127.0.0.1", port, socket: { data() {} } });
      probe.stop(true);
    }
    expect(existsSync(join(user.home, ".kube-server", "rootless", "slirp.sock"))).toBe(false);
  }, 60_000);
});
