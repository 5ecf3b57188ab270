// `kube kubelet` end to end with real processes and network namespaces: seed 000's standalone
// kubelet ("hello" from the pod's IP), seed 003's nginx + log-truncator sharing an emptyDir,
// seed 003's pod POSTed with curl-style JSON and nodeName, kubectl logs/exec/top, restart
// policies, and a kubelet restart adopting running pods. Nothing is left behind.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Pod } from "kubernetes-types/core/v1";
import { apiserverArgv } from "../harness/apiserver-argv.ts";
import { ensureKubeBuilt } from "../harness/kube-binary.ts";
import { type KubeProcess, spawnKube } from "../harness/kube-process.ts";
import { type Kubectl, kubectlFor } from "../harness/kubectl.ts";
import {
  type KubeletProcess,
  leftovers,
  removeKubeletPods,
  startKubeletProcess,
} from "../harness/kubelet.ts";
import { seed003NginxYaml } from "../harness/seed-manifests.ts";
import { until } from "../harness/until.ts";

const root = process.getuid?.() === 0;
const tag = `kt${process.pid % 100000}`;

/**
 * Connects to ip:port and returns everything the server sends before closing (ncat --recv-only),
 * retrying while nothing listens yet: Running means the process started, not that it listens.
 */
function recvOnly(ip: string, port: number, send?: string): Promise<string> {
  return until(`${ip}:${port} to answer`, () => recvOnce(ip, port, send));
}

async function recvOnce(ip: string, port: number, send?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    Bun.connect({
      hostname: ip,
      port,
      socket: {
        open(socket) {
          if (send) socket.write(send);
        },
        data(_socket, data) {
          text += data.toString();
        },
        close() {
          resolve(text);
        },
        connectError(_socket, error) {
          reject(error);
        },
      },
    }).catch(reject);
  });
}

async function kubeletPods(port: number): Promise<Pod[]> {
  const response = await fetch(`http://127.0.0.1:${port}/pods`);
  return ((await response.json()) as { items: Pod[] }).items;
}

describe.skipIf(!root)("standalone kubelet (seed 000, seed 003)", () => {
  let dir: string;
  let kubelet: KubeletProcess | undefined;
  const node = `${tag}-sa`;

  beforeAll(async () => {
    await ensureKubeBuilt();
    dir = mkdtempSync(join(tmpdir(), "kt-kubelet-e2e-"));
    mkdirSync(join(dir, "manifests"));
    kubelet = await startKubeletProcess({
      nodeName: node,
      rootDir: join(dir, "root"),
      args: ["--pod-manifest-path", join(dir, "manifests"), "--file-check-frequency", "1s"],
    });
  });

  afterAll(async () => {
    await removeKubeletPods(node, join(dir, "root"), kubelet);
    rmSync(dir, { recursive: true, force: true });
    expect(leftovers(node)).toEqual([]);
  });

  test("seed 000: pod.yaml copied into the manifests dir answers hello on its own IP", async () => {
    const manifest = join(dir, "pod.yaml");
    writeFileSync(
      manifest,
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: hello\nspec:\n  containers:\n  - name: hello\n    image: hello\n",
    );
    cpSync(manifest, join(dir, "manifests", "pod.yaml"));
    const port = kubelet?.port ?? 0;
    const pod = await until("hello running", async () =>
      (await kubeletPods(port)).find(
        (p) => p.metadata?.name === `hello-${node}` && p.status?.phase === "Running",
      ),
    );
    const ip = pod.status?.podIP ?? "";
    expect(ip).toMatch(/^10\./);
    expect(ip).not.toBe(pod.status?.hostIP);
    expect(leftovers(node).length).toBe(1); // its own network namespace, named after node and pod
    expect(await recvOnly(ip, 80)).toBe("hello\n");
  });

  test("a bad manifest is reported by name and does not stop the others", async () => {
    writeFileSync(
      join(dir, "manifests", "bad.yaml"),
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n",
    );
    await kubelet?.waitFor(/manifest .*bad\.yaml skipped: kind is "Service"/);
    const pods = await kubeletPods(kubelet?.port ?? 0);
    expect(pods.some((p) => p.metadata?.name === `hello-${node}`)).toBe(true);
    unlinkSync(join(dir, "manifests", "bad.yaml"));
  });

  test("seed 003: nginx and a log-truncator share an emptyDir; the host's /var/log is untouched", async () => {
    writeFileSync(join(dir, "manifests", "nginx.yml"), seed003NginxYaml());
    const pod = await until("nginx running", async () =>
      (await kubeletPods(kubelet?.port ?? 0)).find(
        (p) => p.metadata?.name === `nginx-${node}` && p.status?.phase === "Running",
      ),
    );
    expect(pod.status?.containerStatuses?.map((c) => c.ready)).toEqual([true, true]);
    const ip = pod.status?.podIP ?? "";
    const marker = `/${tag}-marker`;
    const answer = await recvOnly(ip, 80, `GET ${marker} HTTP/1.0\r\n\r\n`);
    expect(answer).toContain("HTTP/1.1 404");
    const welcome = await recvOnly(ip, 80, "GET / HTTP/1.0\r\n\r\n");
    expect(welcome).toContain("Welcome to nginx!");
    const log = join(
      dir,
      "root",
      "pods",
      pod.metadata?.uid ?? "",
      "volumes",
      "kubernetes.io~empty-dir",
      "nginx-logs",
      "access.log",
    );
    await until("access log in the emptyDir", () =>
      existsSync(log) && readFileSync(log, "utf8").includes("GET / ") ? true : undefined,
    );
    const hostLog = "/var/log/nginx/access.log";
    expect(existsSync(hostLog) ? readFileSync(hostLog, "utf8").includes(marker) : false).toBe(false);
  });

  test("removing a manifest stops its pod and removes its network namespace", async () => {
    unlinkSync(join(dir, "manifests", "nginx.yml"));
    unlinkSync(join(dir, "manifests", "pod.yaml"));
    await until("namespaces gone", () => (leftovers(node).length === 0 ? true : undefined));
  });
});

describe.skipIf(!root)("joined kubelet (seed 003 through the API server, kubectl)", () => {
  let dir: string;
  let api: KubeProcess | undefined;
  let kubelet: KubeletProcess | undefined;
  let kubectl: Kubectl;
  let url = "";
  const node = `${tag}-j`;

  const getPod = async (name: string): Promise<Pod> => {
    const response = await fetch(`${url}/api/v1/namespaces/default/pods/${name}`);
    if (!response.ok) throw new Error(`GET pod ${name}: ${response.status}`);
    return (await response.json()) as Pod;
  };
  const running = (name: string) =>
    until(`${name} Running`, async () => {
      const pod = await getPod(name);
      return pod.status?.phase === "Running" ? pod : undefined;
    });

  beforeAll(async () => {
    await ensureKubeBuilt();
    dir = mkdtempSync(join(tmpdir(), "kt-kubelet-e2e-"));
    api = spawnKube(apiserverArgv(join(dir, "db")));
    url = (await api.waitFor(/serving the Kubernetes API on (http:\/\/\S+)/))[1] as string;
    kubelet = await startKubeletProcess({
      nodeName: node,
      rootDir: join(dir, "root"),
      args: ["--api-servers", url],
    });
    kubectl = kubectlFor(url);
  });

  afterAll(async () => {
    await removeKubeletPods(node, join(dir, "root"), kubelet);
    api?.kill("SIGTERM");
    await api?.exited;
    kubectl?.cleanup();
    rmSync(dir, { recursive: true, force: true });
    expect(leftovers(node)).toEqual([]);
  });

  test("the node registers Ready (kubectl get nodes)", async () => {
    const out = await until("node Ready", async () => {
      const r = await kubectl(["get", "nodes"]);
      return r.stdout.includes(`${node} `) && /\sReady\s/.test(r.stdout) ? r.stdout : undefined;
    });
    expect(out).toMatch(/NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
    expect(out).toContain("v1.32.4");
  });

  test("seed 003: POST nginx.json with nodeName, GET its status, DELETE it", async () => {
    const body = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "nginx" },
      spec: {
        nodeName: node,
        containers: [
          {
            name: "nginx",
            image: "nginx",
            ports: [{ containerPort: 80 }],
            volumeMounts: [{ mountPath: "/var/log/nginx", name: "nginx-logs" }],
          },
          {
            name: "log-truncator",
            image: "busybox",
            command: ["/bin/sh"],
            args: ["-c", "while true; do cat /dev/null > /logdir/access.log; sleep 10; done"],
            volumeMounts: [{ mountPath: "/logdir", name: "nginx-logs" }],
          },
        ],
        volumes: [{ name: "nginx-logs", emptyDir: {} }],
      },
    };
    const created = await fetch(`${url}/api/v1/namespaces/default/pods`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(created.status).toBe(201);
    const pod = await running("nginx");
    expect(pod.status?.podIP).toMatch(/^10\./);
    expect(pod.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
    expect(await recvOnly(pod.status?.podIP ?? "", 80, "GET / HTTP/1.0\r\n\r\n")).toContain(
      "Welcome to nginx!",
    );
    const get = await kubectl(["get", "pod", "nginx"]);
    expect(get.stdout).toMatch(/nginx\s+2\/2\s+Running\s+0/);
    const deleted = await fetch(`${url}/api/v1/namespaces/default/pods/nginx`, { method: "DELETE" });
    expect(deleted.status).toBe(200);
    await until("nginx gone", async () =>
      (await fetch(`${url}/api/v1/namespaces/default/pods/nginx`)).status === 404 ? true : undefined,
    );
    await until("its network namespace gone", () => (leftovers(node).length === 0 ? true : undefined));
  });

  test("kubectl run, logs, exec (exit code, stdin), top", async () => {
    const run = await kubectl(["run", "web", "--image=hello", `--overrides={"spec":{"nodeName":"${node}"}}`]);
    expect(run.code).toBe(0);
    const pod = await running("web");
    expect(await recvOnly(pod.status?.podIP ?? "", 80)).toBe("hello\n");
    const logs = await until("logs", async () => {
      const r = await kubectl(["logs", "web"]);
      return r.stdout.includes("listening") ? r : undefined;
    });
    expect(logs.code).toBe(0);
    const exec = await kubectl(["exec", "web", "--", "sh", "-c", "echo hi from $(hostname); exit 3"]);
    expect(exec.stdout).toContain("hi from");
    expect(exec.code).toBe(3);
    const cat = await kubectl(["exec", "-i", "web", "--", "cat"], { stdin: "through stdin\n" });
    expect(cat.stdout).toBe("through stdin\n");
    const top = await until("metrics", async () => {
      const r = await kubectl(["top", "pod", "web"]);
      return r.code === 0 ? r : undefined;
    });
    expect(top.stdout).toMatch(/web\s+\d+m\s+\d+Mi/);
  });

  test("restartPolicy OnFailure: a failing container restarts, then backs off (CrashLoopBackOff)", async () => {
    const pod = kubectl.file(
      "crash.yaml",
      `apiVersion: v1
kind: Pod
metadata: {name: crash}
spec:
  nodeName: ${node}
  restartPolicy: OnFailure
  containers:
  - {name: c, image: busybox, command: [sh, -c, "echo failing; exit 1"]}
`,
    );
    expect((await kubectl(["create", "-f", pod])).code).toBe(0);
    const status = await until("CrashLoopBackOff", async () => {
      const cs = (await getPod("crash")).status?.containerStatuses?.[0];
      return cs?.state?.waiting?.reason === "CrashLoopBackOff" ? cs : undefined;
    });
    expect(status.restartCount).toBeGreaterThanOrEqual(1);
    expect(status.lastState?.terminated?.exitCode).toBe(1);
    const previous = await kubectl(["logs", "crash", "--previous"]);
    expect(previous.stdout).toContain("failing");
  });

  test("restartPolicy Never: a completed pod Succeeds and is not restarted", async () => {
    const pod = kubectl.file(
      "once.yaml",
      `apiVersion: v1
kind: Pod
metadata: {name: once}
spec:
  nodeName: ${node}
  restartPolicy: Never
  containers:
  - {name: c, image: busybox, command: [sh, -c, "echo done"]}
`,
    );
    expect((await kubectl(["create", "-f", pod])).code).toBe(0);
    const done = await until("Succeeded", async () => {
      const p = await getPod("once");
      return p.status?.phase === "Succeeded" ? p : undefined;
    });
    expect(done.status?.containerStatuses?.[0]?.state?.terminated?.reason).toBe("Completed");
    expect(done.status?.containerStatuses?.[0]?.restartCount).toBe(0);
  });

  test("env and volumes from a ConfigMap, a Secret and the downward API; runAsUser; kubectl cp", async () => {
    const manifest = kubectl.file(
      "config.yaml",
      `apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {greeting: bonjour, "app.conf": "level=debug"}
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {password: s3cret}
---
apiVersion: v1
kind: Pod
metadata: {name: conf, labels: {tier: web}}
spec:
  nodeName: ${node}
  containers:
  - name: c
    image: pause
    env:
    - {name: GREETING, valueFrom: {configMapKeyRef: {name: settings, key: greeting}}}
    - {name: PASSWORD, valueFrom: {secretKeyRef: {name: creds, key: password}}}
    - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: MESSAGE, value: "$(GREETING) from $(POD_NAME)"}
    securityContext: {runAsUser: 1234, runAsGroup: 1234}
    volumeMounts:
    - {name: config, mountPath: /etc/app}
    - {name: secret, mountPath: /etc/creds, readOnly: true}
    - {name: info, mountPath: /etc/podinfo}
  volumes:
  - {name: config, configMap: {name: settings}}
  - {name: secret, secret: {secretName: creds}}
  - {name: info, downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}}
`,
    );
    expect((await kubectl(["apply", "-f", manifest])).code).toBe(0);
    await running("conf");
    const env = await kubectl([
      "exec",
      "conf",
      "--",
      "sh",
      "-c",
      'echo "$MESSAGE/$PASSWORD/$(id -u):$(id -g)"',
    ]);
    expect(env.stdout).toBe("bonjour from conf/s3cret/1234:1234\n");
    const files = await kubectl([
      "exec",
      "conf",
      "--",
      "sh",
      "-c",
      "cat /etc/app/app.conf /etc/creds/password /etc/podinfo/labels",
    ]);
    expect(files.stdout).toBe('level=debugs3crettier="web"');
    expect(existsSync("/etc/app/app.conf")).toBe(false); // mounted only inside the container
    // As upstream, a volume's files are symlinks through ..data (the atomic writer), which
    // kubectl cp skips; the file itself is under ..data.
    const skipped = await kubectl(["cp", "conf:/etc/app/app.conf", join(dir, "skipped.conf")]);
    expect(skipped.stderr).toContain('warning: skipping symlink: "');
    const copied = join(dir, "copied.conf");
    const cp = await kubectl(["cp", "conf:/etc/app/..data/app.conf", copied]);
    expect(cp.stderr).not.toContain("error");
    expect(readFileSync(copied, "utf8")).toBe("level=debug");
  });

  test("kubectl port-forward reaches the pod's port", async () => {
    const pf = Bun.spawn(
      [
        Bun.which("kubectl") ?? "kubectl",
        `--kubeconfig=${kubectl.kubeconfig}`,
        "port-forward",
        "pod/web",
        ":80",
      ],
      { stdout: "pipe", stderr: "pipe", env: { ...process.env, HOME: kubectl.dir } },
    );
    try {
      const reader = pf.stdout.getReader();
      let text = "";
      while (!/Forwarding from 127\.0\.0\.1:(\d+)/.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`port-forward exited: ${text}`);
        text += new TextDecoder().decode(value);
      }
      const port = Number(/Forwarding from 127\.0\.0\.1:(\d+)/.exec(text)?.[1]);
      expect(await recvOnly("127.0.0.1", port)).toBe("hello\n");
    } finally {
      pf.kill("SIGTERM");
      await pf.exited;
    }
  });

  test("a second kubelet on the same host: its own bridge and CIDR, pods reach each other", async () => {
    const node2 = `${tag}-j2`;
    const second = await startKubeletProcess({
      nodeName: node2,
      rootDir: join(dir, "root2"),
      args: ["--api-servers", url],
    });
    try {
      const spec = (name: string, nodeName: string, image: string) => ({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name },
        spec: { nodeName, containers: [{ name: "c", image }] },
      });
      for (const body of [spec("far", node2, "nginx")]) {
        await fetch(`${url}/api/v1/namespaces/default/pods`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      }
      const far = await running("far");
      const near = await running("web");
      const farNet = far.status?.podIP?.split(".").slice(0, 3).join(".");
      expect(farNet).not.toBe(near.status?.podIP?.split(".").slice(0, 3).join("."));
      const fetched = await until("pod to pod", async () => {
        const r = await kubectl([
          "exec",
          "web",
          "--",
          "curl",
          "-s",
          "-m",
          "2",
          `http://${far.status?.podIP}/`,
        ]);
        return r.stdout.includes("Welcome to nginx!") ? r : undefined;
      });
      expect(fetched.code).toBe(0);
      await fetch(`${url}/api/v1/namespaces/default/pods/far`, { method: "DELETE" });
      await until("far gone", async () =>
        (await fetch(`${url}/api/v1/namespaces/default/pods/far`)).status === 404 ? true : undefined,
      );
    } finally {
      await removeKubeletPods(node2, join(dir, "root2"), second);
      expect(leftovers(node2)).toEqual([]);
    }
  });

  test("a restarted kubelet adopts running pods and removes pods deleted while it was down", async () => {
    const before = await running("web");
    const id = before.status?.containerStatuses?.[0]?.containerID;
    kubelet?.kill("SIGTERM");
    await kubelet?.exited;
    // Deleted while the kubelet is down: stays Terminating until a kubelet finishes it.
    await fetch(`${url}/api/v1/namespaces/default/pods/crash`, { method: "DELETE" });
    kubelet = await startKubeletProcess({
      nodeName: node,
      rootDir: join(dir, "root"),
      args: ["--api-servers", url],
    });
    await until("crash gone", async () =>
      (await fetch(`${url}/api/v1/namespaces/default/pods/crash`)).status === 404 ? true : undefined,
    );
    const after = await running("web");
    expect(after.status?.containerStatuses?.[0]?.containerID).toBe(id);
    expect(after.status?.containerStatuses?.[0]?.restartCount).toBe(0);
    expect(await recvOnly(after.status?.podIP ?? "", 80)).toBe("hello\n");
  });
});
