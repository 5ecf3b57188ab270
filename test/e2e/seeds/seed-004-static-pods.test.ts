// Seed 004 ("Kubernetes from scratch") replayed for its node and static-pod steps: the kubelet
// with the guide's flags (--api-servers, --config, --cluster-dns, --cluster-domain, --docker-root,
// --root-dir, --configure-cbr0, --register-node, and the Fedora unit's --address, --logtostderr,
// --v, --allow-privileged), and in its manifest dir the master's pods: etcd (saltbase's
// etcd.manifest), the apiserver with the guide's flags (--cloud-provider=, --address,
// --cluster-name, --admission-control, --allow-privileged, the HTTP-only --token-auth-file=/dev/null
// ...), the controller manager and the scheduler. Then the guide's checks: /healthz, /api and
// `kubectl get nodes`. Adapted: image kube for the components (etcd runs `kube etcd`: etcd 2's
// --addr/--bind-addr flags and its /health probe do not exist in it), ports picked free,
// /srv/kubernetes and /var/etcd under the test's dir.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ensureClusterPki } from "../../../lib/pki/ensure-cluster-pki.ts";
import { freePort } from "../../harness/etcd.ts";
import { type Kubectl, kubectlBinary, kubectlFor } from "../../harness/kubectl.ts";
import { until } from "../../harness/until.ts";
import { prepareStaticPodMaster, type StaticPodMaster, writeManifest } from "./static-pod-master.ts";

const runnable = process.getuid?.() === 0 && kubectlBinary() !== null;
const RECOMMENDED_LIST = "NamespaceLifecycle,LimitRanger,ServiceAccount,ResourceQuota";

const hostPath = (name: string, path: string) => ({ name, hostPath: { path } });

describe.skipIf(!runnable)(
  "seed 004: etcd and the master as static pods, the node with the guide's flags",
  () => {
    let master: StaticPodMaster;
    let kubectl: Kubectl;
    let srv = "";
    let securePort = 0;
    const api = (path: string) => fetch(`http://127.0.0.1:${master.apiPort}${path}`);

    beforeAll(async () => {
      master = await prepareStaticPodMaster("seed004", { etcd: false });
      srv = join(master.dir, "srv", "kubernetes");
      // "Master needs a cert to act as an HTTPS server": CA_CERT, MASTER_CERT and MASTER_KEY.
      await ensureClusterPki(srv, { serverSans: ["127.0.0.1", "localhost"], clients: [] });
      securePort = await freePort();
      kubectl = kubectlFor(`http://127.0.0.1:${master.apiPort}`);
    }, 120_000);

    afterAll(async () => {
      kubectl?.cleanup();
      await master?.stop();
    }, 60_000);

    test("the etcd, apiserver, controller-manager and scheduler manifests go into the kubelet's dir", () => {
      const etcdData = join(master.dir, "mnt", "master-pd", "var", "etcd");
      writeManifest(master, "etcd.manifest", {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "etcd-server", namespace: "kube-system" },
        spec: {
          hostNetwork: true,
          containers: [
            {
              name: "etcd-container",
              image: "kube",
              resources: { requests: { cpu: "200m" } },
              command: [
                "kube",
                "etcd",
                `--listen-client-urls=http://127.0.0.1:${master.etcdPort}`,
                "--data-dir=/var/etcd/data".replace("/var/etcd", etcdData),
              ],
              ports: [{ name: "clientport", containerPort: master.etcdPort, hostPort: master.etcdPort }],
              volumeMounts: [{ name: "varetcd", mountPath: etcdData, readOnly: false }],
            },
          ],
          volumes: [hostPath("varetcd", etcdData)],
        },
      });
      writeManifest(master, "kube-apiserver.manifest", {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "kube-apiserver", namespace: "kube-system" },
        spec: {
          hostNetwork: true,
          containers: [
            {
              name: "kube-apiserver",
              image: "gcr.io/google_containers/hyperkube:v1.2.0",
              command: [
                "/hyperkube",
                "apiserver",
                "--cloud-provider=",
                "--cloud-config=",
                "--address=127.0.0.1",
                "--bind-address=127.0.0.1",
                "--cluster-name=kubernetes",
                "--service-cluster-ip-range=10.0.0.0/16",
                `--etcd-servers=http://127.0.0.1:${master.etcdPort}`,
                `--tls-cert-file=${srv}/server.crt`,
                `--tls-private-key-file=${srv}/server.key`,
                `--admission-control=${RECOMMENDED_LIST}`,
                "--allow-privileged=true",
                // HTTP-only approach.
                "--token-auth-file=/dev/null",
                "--insecure-bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                // Adapted: the ports (8080 and 6443 are picked free).
                `--insecure-port=${master.apiPort}`,
                `--secure-port=${securePort}`,
              ],
              volumeMounts: [{ name: "srvkube", mountPath: srv, readOnly: true }],
            },
          ],
          volumes: [hostPath("srvkube", srv)],
        },
      });
      writeManifest(master, "kube-controller-manager.manifest", {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "kube-controller-manager", namespace: "kube-system" },
        spec: {
          hostNetwork: true,
          containers: [
            {
              name: "kube-controller-manager",
              image: "kube",
              command: [
                "kube",
                "controller-manager",
                "--cluster-name=kubernetes",
                "--cluster-cidr=10.244.0.0/16",
                "--allocate-node-cidrs=false",
                "--cloud-provider=",
                "--cloud-config=",
                `--service-account-private-key-file=${srv}/server.key`,
                `--master=127.0.0.1:${master.apiPort}`,
              ],
              volumeMounts: [{ name: "srvkube", mountPath: srv, readOnly: true }],
            },
          ],
          volumes: [hostPath("srvkube", srv)],
        },
      });
      writeManifest(master, "kube-scheduler.manifest", {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "kube-scheduler", namespace: "kube-system" },
        spec: {
          hostNetwork: true,
          containers: [
            {
              name: "kube-scheduler",
              image: "kube",
              command: ["kube", "scheduler", `--master=127.0.0.1:${master.apiPort}`, "--v=2"],
            },
          ],
        },
      });
    });

    test("the kubelet with the guide's flags starts them, and registers itself (--register-node)", async () => {
      const kubelet = master.startKubelet([
        `--api-servers=http://127.0.0.1:${master.apiPort}`,
        `--config=${master.manifests}`,
        "--cluster-dns=10.0.0.10",
        "--cluster-domain=cluster.local",
        `--docker-root=${join(master.dir, "docker")}`,
        "--configure-cbr0=false",
        "--register-node=true",
        "--address=0.0.0.0",
        "--logtostderr=true",
        "--v=0",
        "--allow-privileged=false",
      ]);
      await kubelet.waitFor(/Flag --docker-root has been deprecated/);
      for (const c of ["etcd-container", "kube-apiserver", "kube-controller-manager", "kube-scheduler"])
        await kubelet.waitFor(new RegExp(`Started container ${c}\\b`), 30_000);
      await kubelet.waitFor(/kubelet ready \(joined to http:\/\/127\.0\.0\.1:/, 60_000);
    }, 120_000);

    test("the guide's checks: /healthz, /api, kubectl get nodes, and the master's mirror pods", async () => {
      expect(await (await api("/healthz")).text()).toBe("ok");
      const versions = (await (await api("/api")).json()) as { kind: string; versions: string[] };
      expect(versions).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
      await until(
        "node Ready",
        async () => {
          const r = await kubectl(["get", "nodes", "--no-headers"]);
          return new RegExp(`^${master.nodeName}\\s+Ready\\s`).test(r.stdout) ? true : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      const running = await until(
        "four Running mirror pods in kube-system",
        async () => {
          const r = await kubectl(["get", "pods", "-n", "kube-system", "--no-headers"]);
          const lines = r.stdout
            .trim()
            .split("\n")
            .filter((l) => /\s1\/1\s+Running\s/.test(l));
          return lines.length === 4 ? lines.map((l) => l.split(/\s+/)[0]).sort() : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      expect(running).toEqual(
        ["etcd-server", "kube-apiserver", "kube-controller-manager", "kube-scheduler"].map(
          (n) => `${n}-${master.nodeName}`,
        ),
      );
    }, 120_000);

    test("Ctrl-C on the kubelet stops the master and leaves nothing behind", async () => {
      const { exitCode, leftovers } = await master.stop();
      expect(leftovers).toEqual([]);
      expect(exitCode).toBe(0);
    }, 60_000);
  },
);
