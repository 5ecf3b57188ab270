// Outgrowing one machine (issue 13): three `kube apiserver` processes over a three-member real
// etcd cluster, two schedulers and two controller managers electing leaders, two kubelets
// (fake runtime) — every component given all three apiservers to fail over between. Under a
// running Deployment rollout the test kills the etcd leader, one apiserver, and the leading
// scheduler and controller manager, and checks: no acknowledged write is lost, a watch resumes
// without a gap, each standby takes its lease within one lease duration, the rollout completes.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Deployment } from "kubernetes-types/apps/v1";
import type { Lease } from "kubernetes-types/coordination/v1";
import type { ConfigMap, ConfigMapList } from "kubernetes-types/core/v1";
import { ApiClient, isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import { apiserverArgv } from "../../harness/apiserver-argv.ts";
import { realEtcdOrSkip } from "../../harness/etcd.ts";
import { type EtcdCluster, startEtcdCluster } from "../../harness/etcd-cluster.ts";
import { ensureKubeBuilt, kubeBinary } from "../../harness/kube-binary.ts";
import { type KubeProcess, spawnKube } from "../../harness/kube-process.ts";
import { kubectlBinary, kubectlFor } from "../../harness/kubectl.ts";
import { makeTestPki, type TestPki } from "../../harness/openssl-pki.ts";
import { until } from "../../harness/until.ts";

const LEASE_SECONDS = 4;
const RETRY_MS = 500;
const electionFlags = [
  "--leader-elect-lease-duration",
  `${LEASE_SECONDS}s`,
  "--leader-elect-renew-deadline",
  "3s",
  "--leader-elect-retry-period",
  `${RETRY_MS}ms`,
];

interface Replica {
  proc: KubeProcess;
  /** The identity it logs when it takes its lease. */
  identity(): string | undefined;
}

function replica(proc: KubeProcess, lease: string): Replica {
  const pattern = new RegExp(`leader election: (\\S+) is the leader of kube-system/${lease}`);
  return { proc, identity: () => proc.stderr().match(pattern)?.[1] };
}

describe.skipIf(!realEtcdOrSkip("the HA control plane test"))(
  "HA: three apiservers on a three-member etcd",
  () => {
    const dir = mkdtempSync(join(tmpdir(), "kt-ha-"));
    let etcd: EtcdCluster | undefined;
    const apiservers: KubeProcess[] = [];
    const urls: string[] = [];
    const schedulers: Replica[] = [];
    const managers: Replica[] = [];
    const kubelets: KubeProcess[] = [];
    let client: ApiClient;
    let pki: TestPki | undefined;

    beforeAll(async () => {
      await ensureKubeBuilt();
      etcd = await startEtcdCluster(3);
      // One cluster: the apiservers share a serving certificate, client CA and ServiceAccount key.
      pki = makeTestPki();
      const serving = pki.issue("apiserver");
      const sa = pki.issue("service-accounts");
      const shared = [
        "--etcd-servers",
        etcd.endpoints.join(","),
        "--tls-cert-file",
        serving.certFile,
        "--tls-private-key-file",
        serving.keyFile,
        "--client-ca-file",
        pki.ca.certFile,
        "--service-account-key-file",
        sa.keyFile,
        "--service-account-signing-key-file",
        sa.keyFile,
        "--service-account-issuer",
        "https://kubernetes.default.svc.cluster.local",
      ];
      for (let i = 0; i < 3; i++) {
        const proc = spawnKube(apiserverArgv(join(dir, `api-${i}`), ...shared));
        apiservers.push(proc);
        urls.push((await proc.waitFor(/serving the Kubernetes API on (http:\/\/\S+)/, 30_000))[1] as string);
      }
      const all = urls.join(",");
      client = new ApiClient({ server: urls[0] as string, failover: urls.slice(1), userAgent: "kt-ha" });
      for (let i = 0; i < 2; i++) {
        schedulers.push(
          replica(spawnKube([kubeBinary, "scheduler", "--master", all, ...electionFlags]), "kube-scheduler"),
        );
        managers.push(
          replica(
            spawnKube([
              kubeBinary,
              "controller-manager",
              "--master",
              all,
              "--root-ca-file",
              pki.ca.certFile,
              "--service-account-private-key-file",
              sa.keyFile,
              ...electionFlags,
            ]),
            "kube-controller-manager",
          ),
        );
        kubelets.push(
          spawnKube([
            kubeBinary,
            "kubelet",
            "--runtime",
            "fake",
            "--api-servers",
            all,
            "--node-name",
            `kt-ha-node-${i}`,
            "--root-dir",
            join(dir, `kubelet-${i}`),
            "--port",
            "0",
            "--read-only-port",
            "0",
          ]),
        );
      }
      await until(
        "both nodes Ready",
        async () => {
          const nodes = await client.get<{
            items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }>;
          }>("/api/v1/nodes");
          const ready = nodes.items.filter((n) =>
            n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
          );
          return ready.length === 2 ? true : undefined;
        },
        { timeoutMs: 30_000 },
      );
    }, 90_000);

    afterAll(async () => {
      for (const proc of [
        ...kubelets,
        ...schedulers.map((r) => r.proc),
        ...managers.map((r) => r.proc),
        ...apiservers,
      ]) {
        proc.kill("SIGKILL");
        await proc.exited;
      }
      await etcd?.stop();
      pki?.remove();
      rmSync(dir, { recursive: true, force: true });
    });

    test("a rollout survives losing the etcd leader, an apiserver and both leaders; nothing is lost", async () => {
      const leases = resource<Lease>(client, "leases").namespace("kube-system");
      const deployments = resource<Deployment>(client, "deployments").namespace("default");
      const configMaps = resource<ConfigMap>(client, "configmaps").namespace("default");
      const holder = async (name: string) => (await leases.get(name)).spec?.holderIdentity;
      const leaderOf = async (replicas: Replica[], lease: string) => {
        const id = await until(`a holder of ${lease}`, () => holder(lease), { timeoutMs: 20_000 });
        const found = replicas.find((r) => r.identity() === id);
        if (!found) throw new Error(`${lease} is held by ${id}, which is none of the replicas`);
        return found;
      };
      const dump = async () => {
        console.error(JSON.stringify((await deployments.get("web")).status));
        const pods = await client.get<{
          items: Array<{ metadata?: { name?: string }; spec?: { nodeName?: string }; status?: unknown }>;
        }>("/api/v1/namespaces/default/pods");
        for (const p of pods.items)
          console.error(p.metadata?.name, p.spec?.nodeName, JSON.stringify(p.status).slice(0, 300));
        for (const r of [...schedulers, ...managers]) console.error(r.proc.stderr().slice(-1500));
        for (const k of kubelets) console.error(k.stderr().slice(-1500));
      };
      const leadingScheduler = await leaderOf(schedulers, "kube-scheduler");
      const leadingManager = await leaderOf(managers, "kube-controller-manager");

      await deployments.create({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web" },
        spec: {
          replicas: 6,
          minReadySeconds: 2,
          selector: { matchLabels: { app: "web" } },
          template: {
            metadata: { labels: { app: "web" } },
            spec: { containers: [{ name: "web", image: "nginx" }] },
          },
        },
      });
      await until(
        "web available",
        async () => {
          const d = await deployments.get("web");
          return d.status?.availableReplicas === 6 ? true : undefined;
        },
        { timeoutMs: 60_000, onTimeout: dump },
      );

      // A writer and a watcher through the failing-over client, for the whole disruption.
      const acknowledged: string[] = [];
      const seen: string[] = [];
      let lastRV = "";
      const watchStop = new AbortController();
      const start = await client.list<ConfigMapList>("/api/v1/namespaces/default/configmaps");
      lastRV = start.metadata?.resourceVersion ?? "";
      const watching = (async () => {
        while (!watchStop.signal.aborted) {
          try {
            for await (const event of client.watch<ConfigMap>("/api/v1/namespaces/default/configmaps", {
              resourceVersion: lastRV,
              signal: watchStop.signal,
            })) {
              if (event.type === "ERROR") throw new Error(JSON.stringify(event.object));
              if (event.type === "ADDED" && event.object.metadata?.name?.startsWith("w-"))
                seen.push(event.object.metadata.name);
              lastRV = event.object.metadata?.resourceVersion ?? lastRV;
            }
          } catch {
            // The apiserver or etcd member under the watch went away: resume from lastRV.
          }
          if (!watchStop.signal.aborted) await Bun.sleep(50);
        }
      })();
      let writing = true;
      const writer = (async () => {
        for (let i = 0; writing; i++) {
          const name = `w-${String(i).padStart(5, "0")}`;
          try {
            await configMaps.create({
              apiVersion: "v1",
              kind: "ConfigMap",
              metadata: { name },
              data: { i: String(i) },
            });
            acknowledged.push(name);
          } catch (error) {
            // A write refused or cut off while a member is lost is not acknowledged; an
            // AlreadyExists means an earlier, cut-off attempt was applied after all.
            if (isStatus(error, 409)) acknowledged.push(name);
            else await Bun.sleep(20);
          }
        }
      })();

      // Start the rollout, then take out the etcd leader, apiserver 0 and both leaders.
      await deployments.patch("web", { spec: { template: { metadata: { annotations: { rollout: "2" } } } } });
      await until("some writes", () => (acknowledged.length >= 20 ? true : undefined));
      const midway = (await deployments.get("web")).status;
      expect(midway?.updatedReplicas ?? 0).toBeLessThan(6); // the rollout is under way
      const etcdLeader = await (etcd as EtcdCluster).leader();
      await etcdLeader.kill("SIGKILL");
      apiservers[0]?.kill("SIGKILL");
      const killedAt = Date.now();
      leadingScheduler.proc.kill("SIGKILL");
      leadingManager.proc.kill("SIGKILL");
      const standbyScheduler = schedulers.find((r) => r !== leadingScheduler) as Replica;
      const standbyManager = managers.find((r) => r !== leadingManager) as Replica;

      // Each standby takes its lease within one lease duration of the holder's last renewal
      // (it checks every retry period; the holder renewed at most one retry period before dying).
      const limitMs = LEASE_SECONDS * 1000 + 2 * RETRY_MS + 1500;
      const took = async (standby: Replica, lease: string) => {
        await standby.proc.waitFor(new RegExp(`is the leader of kube-system/${lease}`), limitMs + 5000);
        return Date.now() - killedAt;
      };
      const [schedulerTook, managerTook] = await Promise.all([
        took(standbyScheduler, "kube-scheduler"),
        took(standbyManager, "kube-controller-manager"),
      ]);
      expect(schedulerTook).toBeLessThan(limitMs);
      expect(managerTook).toBeLessThan(limitMs);
      expect(await holder("kube-scheduler")).toBe(standbyScheduler.identity());
      expect(await holder("kube-controller-manager")).toBe(standbyManager.identity());

      // The rollout completes on what is left, seen through the real kubectl too.
      await until(
        "the rollout to complete",
        async () => {
          const d = await deployments.get("web");
          const s = d.status;
          return s?.observedGeneration === d.metadata?.generation &&
            s?.updatedReplicas === 6 &&
            s?.availableReplicas === 6 &&
            s?.replicas === 6
            ? true
            : undefined;
        },
        { timeoutMs: 60_000 },
      );
      if (kubectlBinary()) {
        const kubectl = kubectlFor(urls[1] as string);
        try {
          const out = await kubectl(["rollout", "status", "deployment/web", "--timeout=30s"]);
          expect(out.stdout).toContain('deployment "web" successfully rolled out');
        } finally {
          kubectl.cleanup();
        }
      }

      writing = false;
      await writer;
      // Every acknowledged write is stored, and the watch saw each exactly once, in order.
      const stored = new Set(
        (await client.list<ConfigMapList>("/api/v1/namespaces/default/configmaps")).items.map(
          (c) => c.metadata?.name ?? "",
        ),
      );
      const lost = acknowledged.filter((name) => !stored.has(name));
      expect(lost).toEqual([]);
      const last = acknowledged.at(-1) as string;
      await until("the watch to catch up", () => (seen.includes(last) ? true : undefined), {
        timeoutMs: 20_000,
      });
      watchStop.abort();
      await watching;
      const missing = acknowledged.filter((name) => !seen.includes(name));
      expect(missing).toEqual([]);
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual(seen);
      console.log(
        `HA: ${acknowledged.length} acknowledged writes, 0 lost; scheduler standby took over in ${schedulerTook} ms, controller manager in ${managerTook} ms (lease ${LEASE_SECONDS} s)`,
      );
    }, 180_000);
  },
);
