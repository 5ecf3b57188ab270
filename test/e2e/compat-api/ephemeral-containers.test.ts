// pods/ephemeralcontainers with the real `kubectl debug`: a busybox debugger added to a running
// pod through the subresource, started by the kubelet (crun when present, else the process
// runtime; --target joins the target's PID namespace) and reported in
// status.ephemeralContainerStatuses, interactive (-i) and not; the API refuses changes to existing
// ephemeral containers, other spec changes through it, name clashes and ephemeral containers on create.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Pod } from "kubernetes-types/core/v1";
import { apiserverArgv } from "../../harness/apiserver-argv.ts";
import { ensureKubeBuilt } from "../../harness/kube-binary.ts";
import { type KubeProcess, spawnKube } from "../../harness/kube-process.ts";
import { type Kubectl, kubectlBinary, kubectlFor } from "../../harness/kubectl.ts";
import { type KubeletProcess, removeKubeletPods, startKubeletProcess } from "../../harness/kubelet.ts";
import { until } from "../../harness/until.ts";

const root = process.getuid?.() === 0;
const HAVE_KUBECTL = kubectlBinary() !== null;
const node = `kt${process.pid % 100000}-eph`;
let dir = "";
let api: KubeProcess | undefined;
let kubelet: KubeletProcess | undefined;
let kubectl: Kubectl;
let url = "";
const PODS = "/api/v1/namespaces/default/pods";

const getPod = async (name: string): Promise<Pod> =>
  (await (await fetch(`${url}${PODS}/${name}`)).json()) as Pod;
const send = async (method: string, path: string, body: unknown, type = "application/json") => {
  const res = await fetch(`${url}${path}`, {
    method,
    body: JSON.stringify(body),
    headers: { "content-type": type },
  });
  return { code: res.status, body: (await res.json()) as { message?: string } & Pod };
};

beforeAll(async () => {
  if (!root || !HAVE_KUBECTL) return;
  await ensureKubeBuilt();
  dir = mkdtempSync(join(tmpdir(), "kt-ephemeral-"));
  api = spawnKube(apiserverArgv(join(dir, "db")));
  url = (await api.waitFor(/serving the Kubernetes API on (http:\/\/\S+)/))[1] as string;
  kubelet = await startKubeletProcess({
    nodeName: node,
    rootDir: join(dir, "root"),
    args: ["--api-servers", url, "--runtime", "auto"],
  });
  kubectl = kubectlFor(url);
  const created = await send("POST", PODS, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "target" },
    spec: {
      nodeName: node,
      containers: [{ name: "c", image: "busybox", command: ["sh", "-c", "echo started; sleep 3600"] }],
    },
  });
  expect(created.code).toBe(201);
  await until(
    "target Running",
    async () => ((await getPod("target")).status?.phase === "Running" ? true : undefined),
    {
      timeoutMs: 30_000,
    },
  );
}, 90_000);

afterAll(async () => {
  if (!dir) return;
  // The pods may be crun containers: the sweeper must look where --runtime auto put them.
  await removeKubeletPods(node, join(dir, "root"), kubelet, ["--runtime", "auto"]);
  api?.kill("SIGTERM");
  await api?.exited;
  kubectl?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

test.skipIf(!root || !HAVE_KUBECTL)(
  "kubectl debug --target: the debugger runs in the pod and is reported",
  async () => {
    const r = await kubectl([
      "debug",
      "pod/target",
      "--image=busybox",
      "--target=c",
      "--container=dbg",
      "--profile=general",
      "--",
      "sh",
      "-c",
      "echo from-debugger; sleep 1",
    ]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain('Targeting container "c"');
    const pod = await getPod("target");
    expect(pod.spec?.ephemeralContainers?.[0]).toMatchObject({
      name: "dbg",
      image: "busybox",
      targetContainerName: "c",
      imagePullPolicy: "Always",
      terminationMessagePolicy: "File",
    });
    const status = await until(
      "dbg terminated",
      async () => {
        const s = (await getPod("target")).status?.ephemeralContainerStatuses?.find((x) => x.name === "dbg");
        return s?.state?.terminated ? s : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(status.state?.terminated?.exitCode).toBe(0);
    expect(status.ready).toBe(false);
    const logs = await kubectl(["logs", "target", "-c", "dbg"]);
    expect(logs.stdout).toBe("from-debugger\n");
    // Never restarted, and the pod's own container kept running.
    const after = await getPod("target");
    expect(after.status?.phase).toBe("Running");
    expect(after.status?.containerStatuses?.[0]?.restartCount).toBe(0);
  },
  60_000,
);

test.skipIf(!root || !HAVE_KUBECTL)(
  "--target: the debugger sees the target's processes (its PID namespace); without it, under crun, it does not",
  async () => {
    const oci = /runtime oci/.test(kubelet?.stderr() ?? "");
    const ps = async (container: string, target: string[]) => {
      const r = await kubectl([
        "debug",
        "pod/target",
        "--image=busybox",
        ...target,
        `--container=${container}`,
        "--profile=general",
        "--",
        "ps",
        "-o",
        "args",
      ]);
      expect(r.code).toBe(0);
      await until(
        `${container} done`,
        async () =>
          (await getPod("target")).status?.ephemeralContainerStatuses?.find((x) => x.name === container)
            ?.state?.terminated,
      );
      return (await kubectl(["logs", "target", "-c", container])).stdout;
    };
    expect(await ps("ps-target", ["--target=c"])).toContain("sleep 3600");
    if (oci) expect(await ps("ps-alone", [])).not.toContain("sleep 3600");
  },
  60_000,
);

test.skipIf(!root || !HAVE_KUBECTL)(
  "kubectl debug -i: stdin reaches the debugger and its output comes back",
  async () => {
    const r = await kubectl(
      ["debug", "-i", "pod/target", "--image=busybox", "--container=dbg2", "--profile=general", "--", "sh"],
      {
        stdin: "echo interactive-$((6*7))\nexit 0\n",
        timeoutMs: 45_000,
      },
    );
    expect(r.stdout).toContain("interactive-42");
    expect(r.code).toBe(0);
  },
  60_000,
);

test.skipIf(!root || !HAVE_KUBECTL)(
  "kubectl debug -it: a tty debugger; kubectl says it cannot use a TTY here and still relays",
  async () => {
    const r = await kubectl(
      [
        "debug",
        "-it",
        "pod/target",
        "--image=busybox",
        "--target=c",
        "--container=dbg3",
        "--profile=general",
        "--",
        "sh",
      ],
      { stdin: "echo tty-$((40+2))\nexit 0\n", timeoutMs: 45_000 },
    );
    expect(r.stdout).toContain("tty-42");
    expect(r.stderr).toContain("Unable to use a TTY");
    const pod = await getPod("target");
    expect(pod.spec?.ephemeralContainers?.find((c) => c.name === "dbg3")).toMatchObject({
      tty: true,
      stdin: true,
    });
  },
  60_000,
);

test.skipIf(!root || !HAVE_KUBECTL)("the subresource refuses what upstream refuses", async () => {
  const pod = await getPod("target");
  const path = `${PODS}/target/ephemeralcontainers`;
  // An existing ephemeral container may not change or go away.
  const changed = structuredClone(pod);
  const first = changed.spec?.ephemeralContainers?.[0];
  if (first) first.image = "hello";
  const c1 = await send("PUT", path, changed);
  expect(c1.code).toBe(422);
  expect(c1.body.message).toContain(
    'spec.ephemeralContainers: Forbidden: existing ephemeral containers "dbg" may not be changed',
  );
  const removed = structuredClone(pod);
  if (removed.spec) removed.spec.ephemeralContainers = [];
  const c2 = await send("PUT", path, removed);
  expect(c2.code).toBe(422);
  expect(c2.body.message).toContain('existing ephemeral containers "dbg" may not be removed');
  // A name already used by a container.
  const clash = await send(
    "PATCH",
    path,
    { spec: { ephemeralContainers: [{ name: "c", image: "busybox" }] } },
    "application/strategic-merge-patch+json",
  );
  expect(clash.code).toBe(422);
  expect(clash.body.message).toMatch(/spec\.ephemeralContainers\[\d\]\.name: Duplicate value: "c"/);
  // Ports are not allowed on an ephemeral container.
  const ports = await send(
    "PATCH",
    path,
    { spec: { ephemeralContainers: [{ name: "p", image: "busybox", ports: [{ containerPort: 80 }] }] } },
    "application/strategic-merge-patch+json",
  );
  expect(ports.code).toBe(422);
  expect(ports.body.message).toContain("cannot be set for an Ephemeral Container");
  // Anything but ephemeralContainers sent through the subresource is ignored.
  const other = structuredClone(await getPod("target"));
  if (other.spec?.containers[0]) other.spec.containers[0].image = "nginx";
  const ignored = await send("PUT", path, other);
  expect(ignored.code).toBe(200);
  expect((await getPod("target")).spec?.containers[0]?.image).toBe("busybox");
  // GET of the subresource is the pod.
  const got = await (await fetch(`${url}${path}`)).json();
  expect((got as Pod).kind).toBe("Pod");
  // A pod may not be created with ephemeral containers.
  const create = await send("POST", PODS, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "eph-on-create" },
    spec: {
      containers: [{ name: "c", image: "busybox" }],
      ephemeralContainers: [{ name: "e", image: "busybox" }],
    },
  });
  expect(create.code).toBe(422);
  expect(create.body.message).toContain("spec.ephemeralContainers: Forbidden: cannot be set on create");
});
