// Real client libraries against `kube server` with the kubeconfig it writes, unchanged: the
// official Python client (Debian's python3-kubernetes) and @kubernetes/client-node (npm, run
// under Node.js). Each lists, creates and watches over https with the admin's client
// certificate; a kubeconfig with a wrong token gets 401 and one for a user without a role 403.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { repoRoot } from "../../harness/kube-binary.ts";
import { type KubeServer, startKubeServer } from "../../harness/kube-server.ts";

const root = process.getuid?.() === 0;
const python = "/usr/bin/python3";
const havePython = existsSync(python) && spawnSync(python, ["-c", "import kubernetes"]).status === 0;
const haveNode = spawnSync("node", ["--version"]).status === 0;

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a client to its end (killed after 30 s); not spawnSync, so a test's runs go side by side. */
async function run(argv: string[], env: Record<string, string> = {}): Promise<RunResult> {
  const proc = Bun.spawn(argv, { stdout: "pipe", stderr: "pipe", env: { ...process.env, ...env } });
  const timer = setTimeout(() => proc.kill("SIGKILL"), 30_000);
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

const PYTHON_SCRIPT = `
import sys, threading
from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException
config.load_kube_config(config_file=sys.argv[1])
v1 = client.CoreV1Api()
mode = sys.argv[2]
try:
    if mode == "list":
        print(" ".join(sorted(n.metadata.name for n in v1.list_namespace().items)))
    elif mode == "watch":
        ns = sys.argv[3]
        def make():
            v1.create_namespaced_config_map(ns, {"metadata": {"name": "py-cm"}, "data": {"a": "b"}})
        w = watch.Watch()
        threading.Timer(0.5, make).start()
        for event in w.stream(v1.list_namespaced_config_map, ns, timeout_seconds=20):
            if event["object"].metadata.name == "py-cm":
                print(event["type"], event["object"].data["a"])
                w.stop()
except ApiException as e:
    print("status", e.status, e.reason)
`;

const NODE_SCRIPT = `
const k8s = require("@kubernetes/client-node");
const [, , kubeconfig, mode, ns] = process.argv;
const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);
const core = kc.makeApiClient(k8s.CoreV1Api);
(async () => {
  try {
    if (mode === "list") {
      const list = await core.listNamespace();
      console.log(list.items.map((n) => n.metadata.name).sort().join(" "));
    } else if (mode === "watch") {
      const seen = new Promise((resolve, reject) => {
        new k8s.Watch(kc)
          .watch(\`/api/v1/namespaces/\${ns}/configmaps\`, {}, (type, obj) => {
            if (obj.metadata.name === "node-cm") resolve(\`\${type} \${obj.data.a}\`);
          }, (err) => err && reject(err))
          .then((req) => setTimeout(() => req.abort(), 20000));
      });
      setTimeout(() => core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "node-cm" }, data: { a: "b" } } }), 500);
      console.log(await seen);
      process.exit(0);
    }
  } catch (e) {
    console.log("status", e.code ?? e.statusCode ?? e.message);
  }
})();
`;

describe.skipIf(!root)(
  "client libraries against kube server's kubeconfig (https, client certificate)",
  () => {
    let server: KubeServer;
    let badKubeconfig = "";
    let viewerKubeconfig = "";
    let pyScript = "";
    let nodeScript = "";

    beforeAll(async () => {
      server = await startKubeServer({ args: ["--disable", "proxy,dns"] });
      pyScript = join(server.dataDir, "kt-client.py");
      writeFileSync(pyScript, PYTHON_SCRIPT);
      nodeScript = join(server.dataDir, "kt-client.cjs");
      writeFileSync(nodeScript, NODE_SCRIPT);
      // The same kubeconfig with the client certificate swapped for a token nobody issued.
      const config = parse(readFileSync(server.kubeconfig, "utf8"));
      const user = config.users[0].user;
      delete user["client-certificate-data"];
      delete user["client-key-data"];
      user.token = "kt-not-a-token";
      badKubeconfig = join(server.dataDir, "kt-bad.kubeconfig");
      writeFileSync(badKubeconfig, stringify(config));
      // A ServiceAccount with no role: its token (kubectl create token) is authenticated, not authorized.
      await server.kubectl(["create", "namespace", "kt-clients"]);
      await server.kubectl(["-n", "kt-clients", "create", "serviceaccount", "nobody"]);
      const tok = await server.kubectl(["-n", "kt-clients", "create", "token", "nobody"]);
      expect(tok.code, tok.stderr).toBe(0);
      user.token = tok.stdout.trim();
      viewerKubeconfig = join(server.dataDir, "kt-nobody.kubeconfig");
      writeFileSync(viewerKubeconfig, stringify(config));
    }, 90_000);

    afterAll(async () => {
      await server?.stop();
    });

    test("kube server's kubeconfig is https with the CA and a client certificate embedded", () => {
      const config = parse(readFileSync(server.kubeconfig, "utf8"));
      expect(config.clusters[0].cluster.server).toStartWith("https://");
      expect(config.clusters[0].cluster["certificate-authority-data"]).toBeTruthy();
      expect(config.users[0].user["client-certificate-data"]).toBeTruthy();
    });

    test.skipIf(!havePython)(
      "the Python client lists, creates and watches; 401 and 403 as upstream",
      async () => {
        // Four independent client processes at once (each spends seconds importing the client).
        const [list, watched, unauthorized, forbidden] = await Promise.all([
          run([python, pyScript, server.kubeconfig, "list"]),
          run([python, pyScript, server.kubeconfig, "watch", "kt-clients"]),
          run([python, pyScript, badKubeconfig, "list"]),
          run([python, pyScript, viewerKubeconfig, "list"]),
        ]);
        expect(list.stderr).toBe("");
        expect(list.stdout).toContain("default kt-clients kube-node-lease kube-public kube-system");
        expect(watched.stdout.trim(), watched.stderr).toBe("ADDED b");
        expect(unauthorized.stdout.trim(), unauthorized.stderr).toBe("status 401 Unauthorized");
        expect(forbidden.stdout.trim(), forbidden.stderr).toBe("status 403 Forbidden");
      },
      60_000,
    );

    test.skipIf(!haveNode)(
      "@kubernetes/client-node lists, creates and watches; 401 and 403 as upstream",
      async () => {
        const env = { NODE_PATH: join(repoRoot, "node_modules") };
        const [list, watched, unauthorized, forbidden] = await Promise.all([
          run(["node", nodeScript, server.kubeconfig, "list"], env),
          run(["node", nodeScript, server.kubeconfig, "watch", "kt-clients"], env),
          run(["node", nodeScript, badKubeconfig, "list"], env),
          run(["node", nodeScript, viewerKubeconfig, "list"], env),
        ]);
        expect(list.stdout, list.stderr).toContain(
          "default kt-clients kube-node-lease kube-public kube-system",
        );
        expect(watched.stdout.trim(), watched.stderr).toBe("ADDED b");
        expect(unauthorized.stdout.trim(), unauthorized.stderr).toBe("status 401");
        expect(forbidden.stdout.trim(), forbidden.stderr).toBe("status 403");
      },
      60_000,
    );
  },
);
