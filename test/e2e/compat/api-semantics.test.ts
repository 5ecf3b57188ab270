// API semantics as kube-apiserver's, driven by the real kubectl 1.32 and 1.33 (issue 16,
// "Clients and versions"): server-side apply conflicts and the client-side apply upgrade,
// Status bytes, storageVersionHash, scale dry runs, RBAC names, wrong kinds on create --raw,
// watch timeouts, kubectl proxy's root, and rollout history's change-cause for DaemonSets.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { daemonSetController } from "../../../components/controller-manager/daemonset/daemon-set-controller.ts";
import { statefulSetController } from "../../../components/controller-manager/statefulset/stateful-set-controller.ts";
import { type ControlPlane, startControlPlane } from "../../harness/control-plane.ts";
import { type Kubectl, type KubectlResult, kubectlBinary, kubectlFor } from "../../harness/kubectl.ts";
import { until } from "../../harness/until.ts";

/** The versioned kubectl binaries beside the dispatcher (`kubectl.1.32`, ...), where installed. */
function versions(): { version: string; bin: string }[] {
  const dispatcher = kubectlBinary();
  if (!dispatcher) return [];
  const dir = dirname(realpathSync(dispatcher));
  return ["1.32", "1.33"]
    .map((version) => ({ version, bin: join(dir, `kubectl.${version}`) }))
    .filter((k) => existsSync(k.bin));
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: NAME}
spec:
  replicas: 2
  selector: {matchLabels: {app: NAME}}
  template:
    metadata: {labels: {app: NAME}}
    spec: {containers: [{name: c, image: nginx}]}
`;

// Each test runs kubectl several times; on a loaded machine that takes longer than bun's 5 s.
setDefaultTimeout(60_000);
const found = versions();
let cp: ControlPlane;
let base: Kubectl;

beforeAll(async () => {
  if (found.length === 0) return;
  cp = await startControlPlane({ controllers: [daemonSetController, statefulSetController] });
  base = kubectlFor(cp.url);
});
afterAll(async () => {
  base?.cleanup();
  await cp?.stop();
});

for (const { version, bin } of found) {
  describe(`kubectl ${version}`, () => {
    const tag = version.replace(".", "");
    /** kubectl <version> with the shared kubeconfig and a private discovery cache. */
    async function kubectl(args: string[], timeoutMs = 30_000): Promise<KubectlResult> {
      const proc = Bun.spawn(
        [bin, `--kubeconfig=${base.kubeconfig}`, `--cache-dir=${join(base.dir, tag)}`, ...args],
        {
          stdout: "pipe",
          stderr: "pipe",
          env: { ...process.env, HOME: base.dir, KUBECONFIG: base.kubeconfig },
        },
      );
      const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
      const [stdout, stderr, code] = await Promise.all([
        new Response(proc.stdout).text(),
        new Response(proc.stderr).text(),
        proc.exited,
      ]);
      clearTimeout(timer);
      return { stdout, stderr, code };
    }
    const file = (name: string, text: string) => base.file(`${tag}-${name}`, text);

    test("client-side apply, then --server-side of an edited file: no conflict, managers migrated", async () => {
      const name = `kt-csa-${tag}`;
      const text = DEPLOYMENT.replaceAll("NAME", name);
      const path = file("csa.yaml", text);
      expect((await kubectl(["apply", "-f", path])).stdout).toBe(`deployment.apps/${name} created\n`);
      file("csa.yaml", text.replace("replicas: 2", "replicas: 3"));
      const ssa = await kubectl(["apply", "--server-side", "-f", path]);
      expect(ssa).toMatchObject({ code: 0, stdout: `deployment.apps/${name} serverside-applied\n` });
      const got = JSON.parse(
        (await kubectl(["get", "deploy", name, "-o", "json", "--show-managed-fields"])).stdout,
      );
      expect(got.spec.replicas).toBe(3);
      const managers = got.metadata.managedFields.map((e: { manager: string }) => e.manager);
      expect(managers).toContain("kubectl");
      expect(managers).not.toContain("kubectl-client-side-apply");
      // The server kept the annotation in step with the apply, so client-side apply still works.
      expect(
        JSON.parse(got.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]).spec
          .replicas,
      ).toBe(3);
      file("csa.yaml", text.replace("replicas: 2", "replicas: 4"));
      expect((await kubectl(["apply", "-f", path])).stdout).toBe(`deployment.apps/${name} configured\n`);
    });

    test("managedFields: a write without them keeps them; [{}] (the documented reset) clears them", async () => {
      const name = `kt-mf-${tag}`;
      expect((await kubectl(["create", "configmap", name, "--from-literal=a=1"])).code).toBe(0);
      expect((await kubectl(["label", "configmap", name, "x=y"])).code).toBe(0);
      const managers = async (): Promise<string[] | undefined> => {
        const got = JSON.parse(
          (await kubectl(["get", "configmap", name, "-o", "json", "--show-managed-fields"])).stdout,
        );
        return got.metadata.managedFields?.map((e: { manager: string }) => e.manager);
      };
      expect(await managers()).toEqual(["kubectl-create", "kubectl-label"]);
      // A replace from a copy without managedFields (as an informer's stripped copy) erases nothing.
      const live = JSON.parse((await kubectl(["get", "configmap", name, "-o", "json"])).stdout);
      live.data.a = "2";
      delete live.metadata.managedFields;
      const replaced = await kubectl(["replace", "-f", file("mf.json", JSON.stringify(live))]);
      expect(replaced.code).toBe(0);
      expect(await managers()).toEqual(["kubectl-create", "kubectl-label", "kubectl-replace"]);
      const reset = await kubectl([
        "patch",
        "configmap",
        name,
        "--type=merge",
        "-p",
        '{"metadata":{"managedFields":[{}]}}',
      ]);
      expect(reset.stderr).toBe("");
      expect(reset.code).toBe(0);
      expect(await managers()).toBeUndefined();
    });

    test("a server-side apply conflict is 409 with kubectl's --force-conflicts advice", async () => {
      const name = `kt-ssa-${tag}`;
      const path = file("ssa.yaml", DEPLOYMENT.replaceAll("NAME", name));
      expect((await kubectl(["apply", "--server-side", "-f", path])).code).toBe(0);
      expect((await kubectl(["scale", "deploy", name, "--replicas=5"])).code).toBe(0);
      await kubectl(["patch", "deploy", name, "-p", '{"spec":{"replicas":6}}']);
      const conflict = await kubectl(["apply", "--server-side", "-f", path]);
      expect(conflict.code).toBe(1);
      expect(conflict.stderr).toStartWith(
        'error: Apply failed with 1 conflict: conflict with "kubectl-patch" using apps/v1: .spec.replicas\nPlease review the fields above--they currently have other managers.',
      );
      expect(conflict.stderr).toContain("--force-conflicts");
      const forced = await kubectl(["apply", "--server-side", "--force-conflicts", "-f", path]);
      expect(forced.stdout).toBe(`deployment.apps/${name} serverside-applied\n`);
      expect((await kubectl(["get", "deploy", name, "-o", "jsonpath={.spec.replicas}"])).stdout).toBe("2");
    });

    test("--dry-run=server on scale answers but changes nothing", async () => {
      const name = `kt-scale-${tag}`;
      expect((await kubectl(["create", "deployment", name, "--image=nginx", "--replicas=1"])).code).toBe(0);
      const dry = await kubectl(["scale", "deploy", name, "--replicas=7", "--dry-run=server"]);
      expect(dry.stdout).toBe(`deployment.apps/${name} scaled (server dry run)\n`);
      expect((await kubectl(["get", "deploy", name, "-o", "jsonpath={.spec.replicas}"])).stdout).toBe("1");
    });

    test("RBAC names are path segments: testing-CR is accepted, a slash is not", async () => {
      const role = `testing-CR-${tag}`;
      expect((await kubectl(["create", "clusterrole", role, "--verb=get", "--resource=pods"])).stdout).toBe(
        `clusterrole.rbac.authorization.k8s.io/${role} created\n`,
      );
      expect(
        (await kubectl(["create", "clusterrolebinding", `${role}-B`, `--clusterrole=${role}`, "--user=u"]))
          .code,
      ).toBe(0);
      const slash = await kubectl(["create", "role", "a/b", "--verb=get", "--resource=pods"]);
      expect(slash.code).toBe(1);
      expect(slash.stderr).toContain("may not contain '/'");
    });

    test("create --raw of a YAML body or another kind: kube-apiserver's messages", async () => {
      const yaml = file("raw.json", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n");
      const unrecognized = await kubectl(["create", "--raw", "/api/v1/namespaces", "-f", yaml]);
      expect(unrecognized.stderr).toBe(
        "Error from server (BadRequest): the object provided is unrecognized (must be of type Namespace): couldn't get version/kind; json parse error: invalid character 'a' looking for beginning of value (61706956657273696f6e3a2076310a6b696e643a20506f640a6d65746164 ...)\n",
      );
      const pod = file("pod.json", '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"}}');
      expect((await kubectl(["create", "--raw", "/api/v1/namespaces", "-f", pod])).stderr).toBe(
        'Error from server (BadRequest): Pod in version "v1" cannot be handled as a Namespace: converting (v1.Pod) to (core.Namespace): unknown conversion\n',
      );
    });

    test("a watch ends at timeoutSeconds; --request-timeout ends it on the client", async () => {
      const path = "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1";
      const clean = await kubectl(["get", "--raw", path]);
      expect(clean.code).toBe(0);
      const cut = await kubectl([
        "get",
        "--raw",
        "/api/v1/namespaces/default/configmaps?watch=true",
        "--request-timeout=1s",
      ]);
      expect(cut.code).toBe(1);
      // Go's words depend on where the client was when its timer fired (headers or body).
      expect(cut.stderr).toMatch(/^error: .*(context deadline exceeded|Client\.Timeout)/);
      const started = Date.now();
      const watch = await kubectl(["get", "configmaps", "-w", "--request-timeout=1s"]);
      expect(watch.code).toBe(0);
      expect(Date.now() - started).toBeLessThan(15_000);
    });

    test("kubectl proxy's / lists the API paths", async () => {
      const proc = Bun.spawn([bin, `--kubeconfig=${base.kubeconfig}`, "proxy", "--port=0"], {
        stdout: "pipe",
        stderr: "pipe",
        env: { ...process.env, HOME: base.dir },
      });
      try {
        const reader = proc.stdout.getReader();
        let out = "";
        let port: string | undefined;
        while (!port) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`kubectl proxy exited: ${out}`);
          out += new TextDecoder().decode(value);
          port = /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(out)?.[1];
        }
        const res = await fetch(`http://127.0.0.1:${port}/`);
        expect(res.status).toBe(200);
        const { paths } = (await res.json()) as { paths: string[] };
        for (const p of [
          "/api",
          "/api/v1",
          "/apis",
          "/apis/apps/v1",
          "/healthz",
          "/livez",
          "/readyz",
          "/metrics",
          "/openapi/v2",
          "/openapi/v3",
          "/version",
        ]) {
          expect(paths).toContain(p);
        }
      } finally {
        proc.kill();
        await proc.exited;
      }
    });

    for (const kind of ["DaemonSet", "StatefulSet"]) {
      test(`rollout history of a ${kind} shows each revision's change-cause`, async () => {
        const name = `kt-${kind.toLowerCase()}-${tag}`;
        const manifest = `apiVersion: apps/v1
kind: ${kind}
metadata: {name: ${name}, annotations: {kubernetes.io/change-cause: first}}
spec:
  ${kind === "StatefulSet" ? `serviceName: ${name}` : "minReadySeconds: 0"}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: nginx}]}
`;
        expect((await kubectl(["create", "-f", file(`${kind}.yaml`, manifest)])).code).toBe(0);
        const ref = `${kind.toLowerCase()}/${name}`;
        const history = async (want: number) => {
          const out = await kubectl(["rollout", "history", ref]);
          return out.stdout.trim().split("\n").length === want + 2 ? out.stdout : undefined;
        };
        await until("revision 1", () => history(1));
        const annotate = [
          "annotate",
          kind.toLowerCase(),
          name,
          "kubernetes.io/change-cause=second",
          "--overwrite",
        ];
        expect((await kubectl(annotate)).code).toBe(0);
        expect((await kubectl(["set", "image", ref, "c=nginx:2"])).code).toBe(0);
        const out = await until("revision 2", () => history(2));
        const head = `${kind.toLowerCase()}.apps/${name} \\nREVISION\\s+CHANGE-CAUSE\\n`;
        expect(out).toMatch(new RegExp(`^${head}1\\s+first\\n2\\s+second\\n`));
      });
    }
  });
}

test("Status bodies are kube-apiserver's bytes, discovery has storageVersionHash", async () => {
  if (found.length === 0) return;
  const res = await fetch(`${cp.url}/api/v1/namespaces/default/pods/nope`);
  expect(res.status).toBe(404);
  expect(await res.text()).toBe(
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \\"nope\\" not found","reason":"NotFound","details":{"name":"nope","kind":"pods"},"code":404}\n',
  );
  const core = (await (await fetch(`${cp.url}/api/v1`)).json()) as {
    resources: { name: string; storageVersionHash?: string }[];
  };
  expect(core.resources.find((r) => r.name === "pods")?.storageVersionHash).toBe("xPOwRZ+Yhw8=");
});
