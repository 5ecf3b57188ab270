// Seed 001 (Kubernetes notes: kubectl, Services, API, networking) replayed with the real kubectl
// against one `kube server` of two nodes. Images are kube's embedded ones: `hello` (answers
// "hello" on $PORT, here 8080, standing in for kubernetes-bootcamp) and `nginx` (HTTP on 80).
// Skipped, and why: minikube, Azure disks/files, Vagrant, ssh/scp, openssl client certificates
// and the "hard way" TLS setup (no TLS in kube yet), the dashboard UI (not served), the
// admin-user token secret (no ServiceAccount tokens yet), iptables listings (kube's proxy
// programs nftables), and interactive shells (`exec -it ... bash`).

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Service } from "kubernetes-types/core/v1";
import { type KubeServer, startKubeServer } from "../../harness/kube-server.ts";
import { startBackgroundKubectl } from "./kubectl-background.ts";
import { recvOnly } from "./recv-only.ts";
import { seedUntil } from "./seed-until.ts";

const root = process.getuid?.() === 0;
const app = "kubernetes-bootcamp";

/** The 10th address of a /16 service range "10.X.0.0/16": the kube-dns ClusterIP. */
const tenth = (cidr: string) => cidr.replace(/\.0\.0\/16$/, ".0.10");

describe.skipIf(!root)("seed 001: kubectl, Services, the API through kubectl proxy on kube server", () => {
  let server: KubeServer;
  const until = seedUntil(() => server);
  const kubectl = (args: string[], options?: { stdin?: string }) => server.kubectl(args, options);
  const lines = (text: string) => text.split("\n").filter(Boolean);
  let nodeIPs: string[] = [];
  const bootcampPods = async (): Promise<string[]> => {
    const r = await kubectl([
      "get",
      "pods",
      "-l",
      `app=${app}`,
      "--field-selector=status.phase=Running",
      "-o",
      "name",
    ]);
    return lines(r.stdout).map((l) => l.replace(/^pod\//, ""));
  };
  const service = async (name: string): Promise<Service> =>
    JSON.parse((await kubectl(["get", "svc", name, "-o", "json"])).stdout) as Service;

  beforeAll(async () => {
    server = await startKubeServer({ nodes: 2 });
    const r = await server.kubectl([
      "get",
      "nodes",
      "-o",
      'jsonpath={range .items[*]}{.status.addresses[?(@.type=="InternalIP")].address}{"\\n"}{end}',
    ]);
    nodeIPs = lines(r.stdout);
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  }, 60_000);

  test("kubectl: completion, version, cluster-info lists kube-dns, config view/get-contexts, get nodes", async () => {
    expect((await kubectl(["completion", "bash"])).stdout).toContain("__start_kubectl");
    const version = await kubectl(["version"]);
    expect(version.stdout).toMatch(/^Client Version: v1\.\d+/m);
    expect(version.stdout).toMatch(/^Server Version: v1\.\d+/m);
    // kube-dns carries kubernetes.io/cluster-service=true, so cluster-info names it.
    const info = await until("cluster-info to list kube-dns", async () => {
      const r = await kubectl(["cluster-info"]);
      return /DNS is running at/.test(r.stdout) ? r.stdout : undefined;
    });
    expect(info).toContain(`Kubernetes control plane is running at ${server.url}`);
    // Named by its kubernetes.io/name label: KubeDNS in 2017, CoreDNS on today's clusters.
    expect(info).toContain(
      `DNS is running at ${server.url}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy`,
    );
    expect((await kubectl(["config", "view"])).stdout).toContain(`server: ${server.url}`);
    expect((await kubectl(["config", "get-contexts"])).stdout).toMatch(/^\*\s+kt\s+kt\s+kt\s+default$/m);
    expect((await kubectl(["config", "use-context", "kt"])).stdout).toBe('Switched to context "kt".\n');
    const nodes = await kubectl(["get", "nodes"]);
    expect(lines(nodes.stdout)).toHaveLength(3);
    // The proxy says which data path runs (KT_PROXY_MODE=userspace picks the fallback).
    const mode = process.env.KT_PROXY_MODE ?? "(nftables|userspace)";
    expect(server.stderr()).toMatch(new RegExp(`proxy: using ${mode} mode`));
    expect(nodeIPs).toHaveLength(2);
  }, 30_000);

  test("generators: a Deployment's YAML from --dry-run, created; kubectl run makes a pod; get deployments", async () => {
    // `kubectl run --generator=deployment/v1beta1 ... --dry-run -o yaml` is today's
    // `kubectl create deployment ... --dry-run=client -o yaml`; `kubectl run` makes a Pod now,
    // so the bootcamp Deployment comes from the generator (PORT=8080 added: hello's port).
    const dry = await kubectl([
      "create",
      "deployment",
      app,
      "--image=hello",
      "--port=8080",
      "--replicas=2",
      "--dry-run=client",
      "-o",
      "yaml",
    ]);
    expect(dry.stdout).toMatch(/^kind: Deployment$/m);
    const yaml = dry.stdout.replace(
      /( +)ports:\n/,
      (_m, indent: string) =>
        `${indent}env:\n${indent}- name: PORT\n${indent}  value: "8080"\n${indent}ports:\n`,
    );
    expect((await kubectl(["create", "-f", "-"], { stdin: yaml })).stdout).toBe(
      `deployment.apps/${app} created\n`,
    );
    expect((await kubectl(["run", "nginx", "--image=nginx", "--port=80"])).stdout).toBe(
      "pod/nginx created\n",
    );
    const deployments = await until("2/2 available", async () => {
      const r = await kubectl(["get", "deployments"]);
      return new RegExp(`^${app}\\s+2/2\\s+2\\s+2\\s`, "m").test(r.stdout) ? r.stdout : undefined;
    });
    expect(lines(deployments)[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    await until("nginx Running", async () => {
      const r = await kubectl(["get", "pods", "nginx", "--no-headers"]);
      return /^nginx\s+1\/1\s+Running\s/.test(r.stdout) ? true : undefined;
    });
  }, 30_000);

  test("pods: get, exec ps -ef (also -c), describe, logs, delete (the Deployment replaces it)", async () => {
    const pods = await kubectl(["get", "pods"]);
    expect(lines(pods.stdout)[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    const [pod] = await bootcampPods();
    expect(pod).toBeDefined();
    const ps = await kubectl(["exec", pod as string, "--", "ps", "-ef"]);
    expect(ps.code).toBe(0);
    expect(ps.stdout).toMatch(/^UID\s+PID\s+PPID\s/);
    const psc = await kubectl(["exec", pod as string, "-c", "hello", "--", "ps", "-ef"]);
    expect(psc.code).toBe(0);
    const describe = await kubectl(["describe", "pods", pod as string]);
    expect(describe.stdout).toMatch(new RegExp(`^Name:\\s+${pod}$`, "m"));
    expect(describe.stdout).toMatch(/^Status:\s+Running$/m);
    expect(describe.stdout).toMatch(/^Node:\s+\S+\/\d+\.\d+\.\d+\.\d+$/m);
    expect(describe.stdout).toMatch(/^\s+Port:\s+8080\/TCP$/m);
    expect((await kubectl(["logs", pod as string])).code).toBe(0);
    expect((await kubectl(["delete", "pod", pod as string])).stdout).toBe(`pod "${pod}" deleted\n`);
    await until("a replacement pod", async () => {
      const now = await bootcampPods();
      return now.length === 2 && !now.includes(pod as string) ? true : undefined;
    });
  }, 30_000);

  test("expose deployment --type=NodePort --port 8080: ClusterIP and nodeIP:nodePort answer hello", async () => {
    const expose = await kubectl(["expose", `deployment/${app}`, "--type=NodePort", "--port", "8080"]);
    expect(expose.stdout).toBe(`service/${app} exposed\n`);
    const svc = await service(app);
    const nodePort = svc.spec?.ports?.[0]?.nodePort as number;
    const clusterIP = svc.spec?.clusterIP as string;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    const get = await kubectl(["get", "svc", app]);
    expect(get.stdout).toMatch(
      new RegExp(
        `^${app}\\s+NodePort\\s+${clusterIP.replaceAll(".", "\\.")}\\s+<none>\\s+8080:${nodePort}/TCP\\s`,
        "m",
      ),
    );
    expect(await recvOnly(clusterIP, 8080)).toBe("hello\n");
    for (const ip of nodeIPs) expect(await recvOnly(ip, nodePort)).toBe("hello\n");
  }, 30_000);

  test("label pod app=v1, describe shows it, get pods -l app=v1; scale to 4; get svc -o yaml", async () => {
    expect((await kubectl(["label", "pod", "nginx", "app=v1"])).stdout).toBe("pod/nginx labeled\n");
    expect((await kubectl(["describe", "pods", "nginx"])).stdout).toMatch(/^Labels:\s+app=v1$/m);
    const selected = await kubectl(["get", "pods", "-l", "app=v1", "--no-headers"]);
    expect(lines(selected.stdout).map((l) => l.split(/\s+/)[0])).toEqual(["nginx"]);

    const scale = await kubectl(["--namespace=default", "scale", "deployment", app, "--replicas=4"]);
    expect(scale.stdout).toBe(`deployment.apps/${app} scaled\n`);
    await until("4 endpoints", async () => {
      const r = await kubectl([
        "get",
        "endpointslices",
        "-l",
        `kubernetes.io/service-name=${app}`,
        "-o",
        "json",
      ]);
      const list = JSON.parse(r.stdout) as {
        items: { endpoints?: { conditions?: { ready?: boolean } }[] }[];
      };
      const ready = list.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready);
      return ready.length === 4 ? true : undefined;
    });
    const yaml = await kubectl(["--namespace=default", "get", "svc", app, "-o", "yaml"]);
    expect(yaml.stdout).toMatch(/^ {2}type: NodePort$/m);
    expect(yaml.stdout).toMatch(/^ {2}- nodePort: 3\d{4}$/m);
    expect(yaml.stdout).toMatch(/^ {4}targetPort: 8080$/m);
  }, 30_000);

  test("port-forward nginx :80 (a free local port) serves nginx's page", async () => {
    // `kubectl port-forward nginx-701339712-57hd5 8020:80`, with port 0 for the local side.
    const forward = await startBackgroundKubectl(
      server.kubectl,
      ["port-forward", "pod/nginx", ":80"],
      /Forwarding from 127\.0\.0\.1:(\d+) -> 80/,
    );
    try {
      const r = await fetch(`http://127.0.0.1:${forward.match[1]}/`);
      expect(r.status).toBe(200);
      expect((await r.text()).toLowerCase()).toContain("nginx");
    } finally {
      await forward.stop();
    }
  }, 30_000);

  test("kubectl proxy: the API, deployments and the pod proxy path /pods/nginx/proxy/", async () => {
    const proxy = await startBackgroundKubectl(
      server.kubectl,
      ["proxy", "--port", "0"],
      /Starting to serve on 127\.0\.0\.1:(\d+)/,
    );
    try {
      const base = `http://127.0.0.1:${proxy.match[1]}`;
      const pods = (await (await fetch(`${base}/api/v1/namespaces/default/pods`)).json()) as { kind: string };
      expect(pods.kind).toBe("PodList");
      // "Getting Stats": extensions/v1beta1 is apps/v1 today.
      const deployments = (await (
        await fetch(`${base}/apis/apps/v1/namespaces/default/deployments`)
      ).json()) as {
        items: { metadata: { name: string } }[];
      };
      expect(deployments.items.map((d) => d.metadata.name)).toEqual([app]);
      // The seed's /api/v1/proxy/namespaces/default/pods/$POD_NAME/ is the pods/proxy subresource today.
      const page = await fetch(`${base}/api/v1/namespaces/default/pods/nginx/proxy/`);
      expect(page.status).toBe(200);
      expect((await page.text()).toLowerCase()).toContain("nginx");
    } finally {
      await proxy.stop();
    }
  }, 30_000);

  test("moving pods: get pods -o wide, describe nodes Addresses, label nodes, get nodes --show-labels", async () => {
    const wide = await kubectl(["get", "pods", "-o", "wide"]);
    expect(lines(wide.stdout)[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s/);
    expect((await kubectl(["describe", "nodes"])).stdout.match(/^Addresses:$/gm)).toHaveLength(2);
    for (const [i, node] of server.nodeNames.entries())
      expect((await kubectl(["label", "nodes", node, `node_number=${i}`])).stdout).toBe(
        `node/${node} labeled\n`,
      );
    const labels = await kubectl(["get", "nodes", "--show-labels"]);
    for (const [i, node] of server.nodeNames.entries())
      expect(labels.stdout).toMatch(new RegExp(`^${node}\\s.*\\bnode_number=${i}\\b`, "m"));
    // The "hard way" check of each node's pod CIDR.
    const cidrs = await kubectl([
      "get",
      "nodes",
      '--output=jsonpath={range .items[*]} {.spec.podCIDR} {"\\n"}{end}',
    ]);
    const prefix = server.clusterCIDR.replace(/\.0\.0\/16$/, ".");
    expect(lines(cidrs.stdout).map((l) => l.trim().startsWith(prefix))).toEqual([true, true]);
  }, 30_000);

  test("networking: a LoadBalancer service with a named targetPort; get and describe svc; all its addresses answer", async () => {
    await kubectl([
      "patch",
      `deployment/${app}`,
      "--type=json",
      "-p",
      JSON.stringify([{ op: "add", path: "/spec/template/spec/containers/0/ports/0/name", value: "http" }]),
    ]);
    const svcYaml = `apiVersion: v1
kind: Service
metadata:
  name: jenkins2
spec:
  type: LoadBalancer
  selector:
    app: ${app}
  ports:
  - name: http
    port: 80
    targetPort: http
`;
    expect((await kubectl(["create", "-f", "-"], { stdin: svcYaml })).stdout).toBe(
      "service/jenkins2 created\n",
    );
    const svc = await until("jenkins2's EXTERNAL-IP", async () => {
      const s = await service("jenkins2");
      return (s.status?.loadBalancer?.ingress ?? []).length === nodeIPs.length ? s : undefined;
    });
    const clusterIP = svc.spec?.clusterIP as string;
    const nodePort = svc.spec?.ports?.[0]?.nodePort as number;
    // Like k3s's service load balancer: every node's address is an ingress.
    const externals = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip as string);
    expect([...externals].sort()).toEqual([...nodeIPs].sort());
    const get = await kubectl(["get", "svc", "jenkins2"]);
    expect(lines(get.stdout)[0]).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/);
    expect(get.stdout).toMatch(
      new RegExp(
        `^jenkins2\\s+LoadBalancer\\s+${clusterIP}\\s+${externals.join(",")}\\s+80:${nodePort}/TCP\\s`,
        "m",
      ),
    );
    const describe = await until("describe svc with 4 endpoints on 8080", async () => {
      const r = await kubectl(["describe", "svc", "jenkins2"]);
      const endpoints = r.stdout.match(/^Endpoints:\s+(.*)$/m)?.[1] ?? "";
      return (endpoints.match(/:8080/g) ?? []).length >= 3 ? r.stdout : undefined;
    });
    expect(describe).toMatch(/^Type:\s+LoadBalancer$/m);
    expect(describe).toMatch(new RegExp(`^IP:\\s+${clusterIP}$`, "m"));
    expect(describe).toMatch(/^Port:\s+http\s+80\/TCP$/m);
    expect(describe).toMatch(new RegExp(`^NodePort:\\s+http\\s+${nodePort}/TCP$`, "m"));
    // kubectl 1.32 marks each ingress with its ipMode: "10.x.0.1 (VIP), 10.x.1.1 (VIP)".
    const ingress = externals.map((ip) => `${ip}( \\(VIP\\))?`).join(", ");
    expect(describe).toMatch(new RegExp(`^LoadBalancer Ingress:\\s+${ingress}$`, "m"));
    // {cluster-ip}:Port and {any-interface}:NodePort, as the seed's diagram says; and the LB IP.
    expect(await recvOnly(clusterIP, 80)).toBe("hello\n");
    for (const ip of nodeIPs) expect(await recvOnly(ip, nodePort)).toBe("hello\n");
    for (const ip of externals) expect(await recvOnly(ip, 80)).toBe("hello\n");
  }, 30_000);

  test("cluster DNS: kube-system svc kube-dns at the 10th address; a pod resolves services by name", async () => {
    const dns = await kubectl(["--namespace=kube-system", "get", "svc"]);
    expect(dns.stdout).toMatch(
      new RegExp(`^kube-dns\\s+ClusterIP\\s+${tenth(server.serviceCIDR)}\\s+<none>\\s+53/UDP,53/TCP`, "m"),
    );
    const [pod] = await bootcampPods();
    // `kubectl exec -it {pod} nslookup blah`: no nslookup on this host, getent asks the same resolver.
    const clusterIP = (await service(app)).spec?.clusterIP;
    const r = await until("the pod to resolve the service", async () => {
      const out = await kubectl([
        "exec",
        pod as string,
        "--",
        "getent",
        "hosts",
        `${app}.default.svc.cluster.local`,
      ]);
      return out.code === 0 ? out.stdout : undefined;
    });
    expect(r).toMatch(new RegExp(`^${clusterIP}\\s+${app}\\.default\\.svc\\.cluster\\.local`));
    // A short name through the search path. IPv4 only: `getent hosts` asks AAAA first, and the
    // AAAA walk ends with "kubernetes." forwarded to the test's resolver (127.0.0.1, nothing
    // listening), which kube's forwarder answers only after its timeout (~4 s).
    const short = await kubectl(["exec", pod as string, "--", "getent", "ahostsv4", "kubernetes"]);
    expect(short.stdout).toMatch(/^\S+\s+STREAM kubernetes\.default\.svc\.cluster\.local/);
  }, 30_000);

  test("hard way smoke test: nginx exposed as a node port answers HTTP; secrets; componentstatuses", async () => {
    expect((await kubectl(["expose", "pod", "nginx", "--type=NodePort", "--port", "80"])).stdout).toBe(
      "service/nginx exposed\n",
    );
    const nodePort = (await service("nginx")).spec?.ports?.[0]?.nodePort as number;
    const page = await until("nginx via the node port", async () => {
      // Each try gets 2 s: a SYN sent before the rule or the endpoint existed may never be answered.
      const r = await fetch(`http://${nodeIPs[0]}:${nodePort}/`, { signal: AbortSignal.timeout(2000) });
      return r.status === 200 ? r.text() : undefined;
    });
    expect(page.toLowerCase()).toContain("nginx");
    const secret = `apiVersion: v1
kind: Secret
metadata:
  name: azure-secret
type: Opaque
data:
  azurestorageaccountname: YmxhaDE=
  azurestorageaccountkey: YmxhaDI=
`;
    expect((await kubectl(["create", "-f", "-"], { stdin: secret })).stdout).toBe(
      "secret/azure-secret created\n",
    );
    expect((await kubectl(["get", "secrets"])).stdout).toMatch(/^azure-secret\s+Opaque\s+2\s/m);
    const cs = await kubectl(["get", "componentstatuses"]);
    expect(cs.code).toBe(0);
    expect(cs.stdout).toMatch(/^NAME\s+STATUS\s+MESSAGE/);
  }, 30_000);

  test("kubectl delete deployments kubernetes-bootcamp removes its pods", async () => {
    expect((await kubectl(["delete", "deployments", app])).stdout).toBe(`deployment.apps "${app}" deleted\n`);
    await until("the bootcamp pods gone", async () => {
      const r = await kubectl(["get", "pods", "-l", `app=${app}`, "-o", "name"]);
      return r.stdout.trim() === "" ? true : undefined;
    });
  }, 30_000);
});
