// The real kubectl against `kube apiserver`, on embedded SQLite and on a real etcd 3.4: every
// command of the wire spec that needs no kubelet, asserting what kubectl prints.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { connectEtcd } from "../../storage/etcd/client.ts";
import type { KV } from "../../storage/kv.ts";
import { startTestApiserver, type TestApiserver } from "../harness/apiserver.ts";
import { type RealEtcd, realEtcdOrSkip, startRealEtcd } from "../harness/etcd.ts";
import { type Kubectl, kubectlFor } from "../harness/kubectl.ts";

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
  - name: web
    image: nginx:1.27
    ports: [{containerPort: 80}]
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello
spec:
  replicas: 2
  selector: {matchLabels: {app: hello}}
  template:
    metadata: {labels: {app: hello}}
    spec:
      containers:
      - name: hello
        image: hello
`;

function backends(): { name: string; open: () => Promise<{ kv?: KV; close: () => Promise<void> }> }[] {
  const list: { name: string; open: () => Promise<{ kv?: KV; close: () => Promise<void> }> }[] = [
    { name: "sqlite", open: async () => ({ close: async () => undefined }) },
  ];
  if (realEtcdOrSkip("kubectl against kube apiserver on a real etcd")) {
    list.push({
      name: "real etcd",
      open: async () => {
        const etcd: RealEtcd = await startRealEtcd();
        const kv = await connectEtcd({ endpoints: [etcd.endpoint] });
        return {
          kv,
          close: async () => {
            await kv.close();
            await etcd.stop();
          },
        };
      },
    });
  }
  return list;
}

// Each test runs a dozen kubectl processes: 8-9 s at a load of 15 on 2 cores, 30 s at a load of 30.
setDefaultTimeout(90_000);

for (const backend of backends()) {
  describe(`kubectl against kube apiserver (${backend.name})`, () => {
    let server: TestApiserver;
    let kubectl: Kubectl;
    let closeBackend: () => Promise<void> = async () => undefined;
    beforeAll(async () => {
      const b = await backend.open();
      closeBackend = b.close;
      server = await startTestApiserver(b.kv ? { kv: b.kv } : {});
      kubectl = kubectlFor(server.url);
    });
    afterAll(async () => {
      kubectl?.cleanup();
      await server?.stop();
      await closeBackend();
    });

    test("version and discovery", async () => {
      const v = await kubectl(["version"]);
      expect(v.code).toBe(0);
      expect(v.stdout).toContain("Client Version: v1.32.4");
      expect(v.stdout).toContain("Server Version: v1.32.4+kube");
      const r = await kubectl(["api-resources"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
      expect(r.stdout).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
      expect(r.stdout).toMatch(
        /^horizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler$/m,
      );
      const versions = await kubectl(["api-versions"]);
      expect(versions.stdout).toContain("apps/v1\n");
      expect(versions.stdout).toContain("autoscaling/v1\n");
    });

    test("bootstrap namespaces and the kubernetes service", async () => {
      const ns = await kubectl(["get", "namespaces"]);
      expect(ns.code).toBe(0);
      expect(ns.stdout).toMatch(/^NAME\s+STATUS\s+AGE$/m);
      for (const n of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
        expect(ns.stdout).toMatch(new RegExp(`^${n}\\s+Active\\s+\\d+s$`, "m"));
      }
      const svc = await kubectl(["get", "svc", "kubernetes"]);
      expect(svc.stdout).toMatch(/^kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP\s+\d+s$/m);
    });

    test("create -f, get in every output form, describe", async () => {
      const file = kubectl.file("pod.yaml", POD);
      const c = await kubectl(["create", "-f", file]);
      expect(c.stderr).toBe("");
      expect(c.stdout).toBe("pod/web created\n");
      const again = await kubectl(["create", "-f", file]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain(
        `Error from server (AlreadyExists): error when creating "${file}": pods "web" already exists`,
      );
      const get = await kubectl(["get", "pods"]);
      expect(get.stdout).toMatch(
        /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nweb\s+0\/1\s+Pending\s+0\s+\d+s\n$/,
      );
      const wide = await kubectl(["get", "pods", "-o", "wide"]);
      expect(wide.stdout).toMatch(
        /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/m,
      );
      const yaml = await kubectl(["get", "pod", "web", "-o", "yaml"]);
      expect(yaml.stdout).toContain("restartPolicy: Always");
      expect(yaml.stdout).toContain("terminationMessagePath: /dev/termination-log");
      expect(yaml.stdout).toContain("protocol: TCP");
      expect(yaml.stdout).toMatch(/uid: [0-9a-f-]{36}/);
      const name = await kubectl(["get", "pods", "-o", "name"]);
      expect(name.stdout).toBe("pod/web\n");
      const jp = await kubectl(["get", "pod", "web", "-o", "jsonpath={.spec.containers[0].image}"]);
      expect(jp.stdout).toBe("nginx:1.27");
      const cc = await kubectl([
        "get",
        "pods",
        "-o",
        "custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[*].image",
      ]);
      expect(cc.stdout).toMatch(/^NAME\s+IMAGE\nweb\s+nginx:1\.27\n$/);
      const all = await kubectl(["get", "pods", "-A", "--show-labels"]);
      expect(all.stdout).toMatch(/^default\s+web\s+0\/1\s+Pending\s+0\s+\d+s\s+app=web$/m);
      const sel = await kubectl(["get", "pods", "-l", "app=nothing"]);
      expect(sel.stderr).toBe("No resources found in default namespace.\n");
      const d = await kubectl(["describe", "pod", "web"]);
      expect(d.code).toBe(0);
      expect(d.stdout).toMatch(/^Name:\s+web$/m);
      expect(d.stdout).toMatch(/^\s+Port:\s+80\/TCP$/m);
      const missing = await kubectl(["get", "pod", "nope"]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
    });

    test("label, annotate, patch, edit", async () => {
      await kubectl(["create", "-f", kubectl.file("p2.yaml", POD.replace("name: web", "name: web2"))]);
      expect((await kubectl(["label", "pod", "web2", "tier=front"])).stdout).toBe("pod/web2 labeled\n");
      const conflict = await kubectl(["label", "pod", "web2", "tier=back"]);
      expect(conflict.stderr).toContain("'tier' already has a value (front), and --overwrite is false");
      expect((await kubectl(["annotate", "pod", "web2", "note=hi"])).stdout).toBe("pod/web2 annotated\n");
      const merge = await kubectl([
        "patch",
        "pod",
        "web2",
        "--type=merge",
        "-p",
        '{"metadata":{"labels":{"x":"1"}}}',
      ]);
      expect(merge.stdout).toBe("pod/web2 patched\n");
      const json = await kubectl([
        "patch",
        "pod",
        "web2",
        "--type=json",
        "-p",
        '[{"op":"replace","path":"/spec/containers/0/image","value":"nginx:1.28"}]',
      ]);
      expect(json.stdout).toBe("pod/web2 patched\n");
      const badTest = await kubectl([
        "patch",
        "pod",
        "web2",
        "--type=json",
        "-p",
        '[{"op":"test","path":"/metadata/name","value":"other"}]',
      ]);
      expect(badTest.code).toBe(1);
      const labels = await kubectl(["get", "pod", "web2", "-o", "jsonpath={.metadata.labels}"]);
      expect(JSON.parse(labels.stdout)).toEqual({ app: "web", tier: "front", x: "1" });
      const editor = kubectl.file("editor.sh", `#!/bin/sh\nsed -i 's/note: hi/note: edited/' "$1"\n`);
      Bun.spawnSync(["chmod", "+x", editor]);
      const edit = await kubectl(["edit", "pod", "web2"], { env: { KUBE_EDITOR: editor } });
      expect(edit.stdout).toBe("pod/web2 edited\n");
      const note = await kubectl(["get", "pod", "web2", "-o", "jsonpath={.metadata.annotations.note}"]);
      expect(note.stdout).toBe("edited");
    });

    test("apply: create, configure, unchanged, and server-side", async () => {
      const file = kubectl.file("deploy.yaml", DEPLOYMENT);
      expect((await kubectl(["apply", "-f", file])).stdout).toBe("deployment.apps/hello created\n");
      expect((await kubectl(["apply", "-f", file])).stdout).toBe("deployment.apps/hello unchanged\n");
      kubectl.file("deploy.yaml", DEPLOYMENT.replace("replicas: 2", "replicas: 3"));
      expect((await kubectl(["apply", "-f", file])).stdout).toBe("deployment.apps/hello configured\n");
      const get = await kubectl(["get", "deploy", "hello"]);
      expect(get.stdout).toMatch(
        /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nhello\s+0\/3\s+0\s+0\s+\d+s\n$/,
      );
      const ssaFile = kubectl.file(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: '1'}\n",
      );
      const ssa = await kubectl(["apply", "--server-side", "-f", ssaFile]);
      expect(ssa.stdout).toBe("configmap/ssa serverside-applied\n");
      // Fields the last client-side apply set move to server-side apply without conflicts (as upstream).
      const ssaDeploy = kubectl.file("deploy-ssa.yaml", DEPLOYMENT.replace("replicas: 2", "replicas: 5"));
      expect((await kubectl(["apply", "--server-side", "-f", ssaDeploy])).stdout).toBe(
        "deployment.apps/hello serverside-applied\n",
      );
      expect((await kubectl(["get", "deploy", "hello", "-o", "jsonpath={.spec.replicas}"])).stdout).toBe("5");
      // A field another manager changed conflicts (409) until forced.
      await kubectl(["patch", "deploy", "hello", "-p", '{"spec":{"replicas":7}}']);
      const conflict = await kubectl(["apply", "--server-side", "-f", ssaDeploy]);
      expect(conflict.code).toBe(1);
      expect(conflict.stderr).toContain('conflict with "kubectl-patch" using apps/v1: .spec.replicas');
      expect(conflict.stderr).toContain("--force-conflicts");
      expect((await kubectl(["apply", "--server-side", "--force-conflicts", "-f", ssaDeploy])).stdout).toBe(
        "deployment.apps/hello serverside-applied\n",
      );
      expect((await kubectl(["get", "deploy", "hello", "-o", "jsonpath={.spec.replicas}"])).stdout).toBe("5");
    });

    test("imperative generators send protobuf", async () => {
      expect((await kubectl(["create", "namespace", "team"])).stdout).toBe("namespace/team created\n");
      expect((await kubectl(["create", "configmap", "cfg", "--from-literal=k=v", "-n", "team"])).stdout).toBe(
        "configmap/cfg created\n",
      );
      expect((await kubectl(["create", "deployment", "gen", "--image=hello", "--replicas=0"])).stdout).toBe(
        "deployment.apps/gen created\n",
      );
      const replicas = await kubectl(["get", "deploy", "gen", "-o", "jsonpath={.spec.replicas}"]);
      expect(replicas.stdout).toBe("0");
      expect((await kubectl(["create", "secret", "generic", "s", "--from-literal=p=q"])).stdout).toBe(
        "secret/s created\n",
      );
      expect((await kubectl(["create", "service", "clusterip", "svc", "--tcp=80:8080"])).stdout).toBe(
        "service/svc created\n",
      );
      const svc = await kubectl(["get", "svc", "svc", "-o", "jsonpath={.spec.clusterIP}"]);
      expect(svc.stdout).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
      expect((await kubectl(["auth", "can-i", "create", "pods"])).stdout).toBe("yes\n");
    });

    test("scale and set image", async () => {
      expect((await kubectl(["scale", "deployment/gen", "--replicas=4"])).stdout).toBe(
        "deployment.apps/gen scaled\n",
      );
      expect((await kubectl(["get", "deploy", "gen", "-o", "jsonpath={.spec.replicas}"])).stdout).toBe("4");
      const stale = await kubectl(["scale", "deployment/gen", "--current-replicas=2", "--replicas=5"]);
      expect(stale.code).toBe(1);
      expect(
        (await kubectl(["scale", "deployment/gen", "--current-replicas=4", "--replicas=5"])).stdout,
      ).toBe("deployment.apps/gen scaled\n");
      expect((await kubectl(["set", "image", "deployment/gen", "hello=hello-world"])).stdout).toBe(
        "deployment.apps/gen image updated\n",
      );
      const gen = await kubectl(["get", "deploy", "gen", "-o", "jsonpath={.metadata.generation}"]);
      expect(Number(gen.stdout)).toBe(4);
    });

    test("get --watch prints each change as a row", async () => {
      const bin = Bun.which("kubectl") as string;
      const proc = Bun.spawn([bin, `--kubeconfig=${kubectl.kubeconfig}`, "get", "configmaps", "--watch"], {
        stdout: "pipe",
        stderr: "pipe",
        env: { ...process.env, HOME: kubectl.dir },
      });
      try {
        const reader = proc.stdout.getReader();
        let out = "";
        const readUntil = async (re: RegExp) => {
          const deadline = Date.now() + 15_000;
          while (!re.test(out)) {
            if (Date.now() > deadline) throw new Error(`watch output so far: ${out}`);
            const { value, done } = await reader.read();
            if (done) throw new Error(`watch ended: ${out}`);
            out += new TextDecoder().decode(value);
          }
        };
        await readUntil(/^NAME\s+DATA\s+AGE$/m);
        await kubectl(["create", "configmap", "watched", "--from-literal=a=b"]);
        await readUntil(/^watched\s+1\s+\d+s$/m);
        await kubectl(["delete", "configmap", "watched"]);
        await readUntil(/^watched\s+1\s+\d+s\n(.|\n)*watched\s+1\s+\d+s$/m);
      } finally {
        proc.kill();
        await proc.exited;
      }
    });

    test("binding, get all, paging, dry run, graceful deletion of a bound pod", async () => {
      await kubectl(["create", "-f", kubectl.file("bound.yaml", POD.replace("name: web", "name: bound"))]);
      const bind = kubectl.file(
        "bind.yaml",
        "apiVersion: v1\nkind: Binding\nmetadata: {name: bound}\ntarget: {apiVersion: v1, kind: Node, name: node1}\n",
      );
      const b = await kubectl(["create", "-f", bind]);
      // Upstream answers a Status, so kubectl prints this odd line on real clusters too.
      expect(b.stdout).toBe("status/<unknown> created\n");
      expect((await kubectl(["get", "pod", "bound", "-o", "jsonpath={.spec.nodeName}"])).stdout).toBe(
        "node1",
      );
      const again = await kubectl(["create", "-f", bind]);
      expect(again.stderr).toContain('is already assigned to node "node1"');
      const all = await kubectl(["get", "all"]);
      expect(all.stdout).toMatch(/^pod\/bound\s+0\/1\s+Pending/m);
      expect(all.stdout).toMatch(/^service\/kubernetes\s+ClusterIP/m);
      expect(all.stdout).toMatch(/^deployment\.apps\/gen\s/m);
      const chunked = await kubectl(["get", "pods", "--chunk-size=1", "-o", "name"]);
      expect(chunked.stdout.split("\n").filter(Boolean).length).toBeGreaterThanOrEqual(2);
      const dry = await kubectl(["create", "configmap", "dry", "--from-literal=a=b", "--dry-run=server"]);
      expect(dry.stdout).toBe("configmap/dry created (server dry run)\n");
      expect((await kubectl(["get", "configmap", "dry"])).code).toBe(1);
      // A pod bound to a node is deleted gracefully: it stays, Terminating, for its kubelet.
      const del = await kubectl(["delete", "pod", "bound", "--wait=false"]);
      expect(del.stdout).toBe('pod "bound" deleted\n');
      const terminating = await kubectl(["get", "pod", "bound"]);
      expect(terminating.stdout).toMatch(/^bound\s+0\/1\s+Terminating/m);
      expect((await kubectl(["delete", "pod", "bound", "--grace-period=0", "--force"])).code).toBe(0);
      expect((await kubectl(["get", "pod", "bound"])).code).toBe(1);
    });

    test("delete and bad input", async () => {
      expect((await kubectl(["delete", "pod", "web"])).stdout).toBe('pod "web" deleted\n');
      expect((await kubectl(["delete", "deploy", "hello"])).stdout).toBe('deployment.apps "hello" deleted\n');
      const bad = kubectl.file(
        "bad.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: Bad_Name}\nspec: {containers: [{name: c}]}\n",
      );
      const invalid = await kubectl(["create", "-f", bad]);
      expect(invalid.code).toBe(1);
      expect(invalid.stderr).toContain('The Pod "Bad_Name" is invalid: ');
      expect(invalid.stderr).toContain('metadata.name: Invalid value: "Bad_Name"');
      expect(invalid.stderr).toContain("spec.containers[0].image: Required value");
      const typo = kubectl.file(
        "typo.yaml",
        POD.replace("name: web", "name: typo").replace(
          "image: nginx:1.27",
          "image: nginx:1.27\n    imagePullPolice: Always",
        ),
      );
      const strict = await kubectl(["create", "-f", typo]);
      expect(strict.code).toBe(1);
      expect(strict.stderr).toContain(
        'Error from server (BadRequest): error when creating "' +
          typo +
          '": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagePullPolice"',
      );
      const warn = await kubectl(["create", "--validate=warn", "-f", typo]);
      expect(warn.stderr).toContain('Warning: unknown field "spec.containers[0].imagePullPolice"');
      expect(warn.stdout).toBe("pod/typo created\n");
      const noNs = await kubectl(["create", "configmap", "x", "-n", "missing-namespace"]);
      expect(noNs.stderr).toContain('namespaces "missing-namespace" not found');
      const badSel = await kubectl(["get", "pods", "--field-selector", "spec.nope=x"]);
      expect(badSel.stderr).toContain("field label not supported: spec.nope");
    });
  });
}
