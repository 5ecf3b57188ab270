// Keeps this kubelet's Node alive in the API (upstream kubelet_node_status.go and
// pkg/kubelet/nodelease): registers the Node (or adopts an existing one), renews its Lease in
// kube-node-lease every 10 s, and posts node status when it differs from the API's Node or every
// 5 minutes (upstream's nodeStatusReportFrequency); both timers jitter by up to 4 % as upstream's.

import type { Lease } from "kubernetes-types/coordination/v1";
import type { Node } from "kubernetes-types/core/v1";
import { type ApiClient, isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import { Informer } from "../../../lib/informer/informer.ts";
import { type NodeFacts, nodeLabels, nodeObject, nodeStatus } from "./node-object.ts";

export interface NodeAgent {
  /** Resolves once the Node exists with this kubelet's status. */
  readonly registered: Promise<void>;
  stop(): void;
}

/** Upstream's nodeStatusReportFrequency: an unchanged status is posted this often. */
const STATUS_REPORT_MS = 300_000;
/** How long registration waits for the Node informer's first list before it creates the Node. */
const LIST_WAIT_MS = 1000;
/** wait.JitterUntil's factor in upstream's lease controller and kubelet status loop. */
const JITTER = 0.04;

type NodeStatus = NonNullable<Node["status"]>;

/** Conditions as upstream's nodeStatusHasChanged compares them: without their times, by type. */
function conditionFacts(status: Node["status"]): string[][] {
  return (status?.conditions ?? [])
    .map((c) => [c.type, c.status, c.reason ?? "", c.message ?? ""])
    .sort((a, b) => (a[0] as string).localeCompare(b[0] as string));
}

/** Whether the API's status already holds every field this kubelet sets (`wanted`), conditions without their times. */
export function statusMatches(api: Node["status"], wanted: NodeStatus): boolean {
  for (const key of Object.keys(wanted) as (keyof NodeStatus)[]) {
    if (key === "conditions") {
      if (!Bun.deepEquals(conditionFacts(api), conditionFacts(wanted))) return false;
    } else if (!Bun.deepEquals(api?.[key], wanted[key])) return false;
  }
  return true;
}

function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

function seconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** Whether resourceVersion `a` is after `b` (this apiserver's are decimal revisions; else: unknown, false). */
function laterVersion(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return a.length !== b.length ? a.length > b.length : a > b;
}

/** The informer's Node unless the one this kubelet wrote last is more recent. */
function newer(informed: Node | undefined, written: Node | undefined): Node | undefined {
  if (!informed) return undefined;
  return written && laterVersion(written.metadata?.resourceVersion, informed.metadata?.resourceVersion)
    ? written
    : informed;
}

export function startNodeAgent(options: {
  client: ApiClient;
  facts: NodeFacts;
  register: boolean;
  leaseDurationSeconds: number;
  statusIntervalMs: number;
  now: () => Date;
  log: (line: string) => void;
}): NodeAgent {
  const { client, facts, log, now } = options;
  const name = facts.nodeName;
  // Upstream's kubelet reads its Node from a one-name informer (nodeLister), GETting it only on a
  // retry: a GET per node every 10 s was 500 requests/s on the apiserver at 5000 nodes, and the
  // watch cache serves a metadata.name watch as that one key.
  const nodeInformer = new Informer<Node>({
    client,
    path: "/api/v1/nodes",
    fieldSelector: `metadata.name=${name}`,
    log: (line) => log(`node ${name}: ${line}`),
  });
  nodeInformer.start();
  /** Set when a status update failed: the next one reads the Node from the API, as upstream's retries. */
  let readFromApi = false;
  const nodes = resource<Node>(client, "nodes");
  const leases = resource<Lease>(client, "leases").namespace("kube-node-lease");
  let stopped = false;
  let node: Node | undefined;
  let nodeUid: string | undefined;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const after = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  /** The Node from the informer's first list, waiting for it at most a second (undefined: not there). */
  const listedNode = async (): Promise<Node | undefined> => {
    await Promise.race([nodeInformer.synced, new Promise<void>((r) => after(LIST_WAIT_MS, r))]);
    return nodeInformer.get(name);
  };

  /**
   * An existing Node: upstream's tryRegisterWithAPIServer patches it only when its labels need
   * reconciling (updateDefaultLabels) or it lacks the pod CIDR: a restart of 5000 nodes writes none.
   */
  const adopt = async (existing: Node): Promise<Node> => {
    const labels = { ...existing.metadata?.labels, ...nodeLabels(facts) };
    const podCIDR = existing.spec?.podCIDR ?? facts.podCIDR;
    const setCIDR = podCIDR !== undefined && !existing.spec?.podCIDR;
    if (setCIDR || !Bun.deepEquals(labels, existing.metadata?.labels ?? {})) {
      log(`node ${name} already registered; updating it`);
      return nodes.patch(name, {
        metadata: { labels },
        spec: setCIDR ? { podCIDR, podCIDRs: [podCIDR] } : undefined,
      });
    }
    log(`node ${name} already registered`);
    return existing;
  };

  const register = async (): Promise<void> => {
    for (let attempt = 0; !stopped; attempt++) {
      try {
        if (options.register) {
          // A restart: the informer's first list shows the Node, so no POST that would answer
          // 409 and no GET after it (upstream creates first; the outcome is the same).
          const known = attempt === 0 ? await listedNode() : undefined;
          if (known) node = await adopt(known);
          else {
            try {
              node = await nodes.create(nodeObject(facts, seconds(now())));
              log(`node ${name} registered`);
            } catch (error) {
              if (!isStatus(error, 409)) throw error;
              node = await adopt(await nodes.get(name));
            }
          }
        } else {
          node = await nodes.get(name);
        }
        nodeUid = node.metadata?.uid;
        await postStatus();
        return;
      } catch (error) {
        log(`node ${name}: registration failed (${(error as Error).message}); retrying`);
        // Upstream registerWithAPIServer: 100 ms doubling up to 7 s.
        await new Promise<void>((r) => after(Math.min(100 * 2 ** attempt, 7000), r));
      }
    }
  };

  let lastPostTime = 0;
  // Upstream's tryUpdateNodeStatus: every tick reads the Node as the API holds it (the informer's
  // copy, or the one this kubelet last wrote if the informer has not seen it yet; a GET at
  // resourceVersion=0 before the informer has it or after a failed update) and patches when what
  // this kubelet would set differs from it, so a status another writer changed (the node lifecycle
  // controller's Ready=Unknown after missed heartbeats) is answered within a tick rather than at
  // the next 5-minute report.
  const postStatus = async (): Promise<void> => {
    const cached = readFromApi ? undefined : newer(nodeInformer.get(name), node);
    const current = cached ?? (await client.get<Node>(`${nodes.path(name)}?resourceVersion=0`));
    const status = nodeStatus(facts, seconds(now()), current.status);
    const unchanged = statusMatches(current.status, status);
    if (unchanged && Date.now() - lastPostTime < STATUS_REPORT_MS) {
      readFromApi = false;
      return;
    }
    node = await nodes.patch(name, { status }, "merge", "status");
    lastPostTime = Date.now();
    readFromApi = false;
  };

  // Upstream's lease controller: an Update of the last Lease it wrote (no patch to apply: 5000
  // nodes renew 500 times a second); a conflict or a missing Lease reads or creates it again.
  // The Lease is kept and sent without managedFields: an update without them keeps the live
  // ones (upstream's decodeLiveOrNew), and the body the apiserver decodes and checks is half.
  let lease: Lease | undefined;
  const nodeOwner = (uid: string) => ({ apiVersion: "v1", kind: "Node", name, uid });
  const keep = (written: Lease): Lease => {
    if (!written.metadata?.managedFields) return written;
    const { managedFields: _dropped, ...metadata } = written.metadata;
    return { ...written, metadata };
  };
  const renewLease = async (): Promise<void> => {
    const spec = {
      holderIdentity: name,
      leaseDurationSeconds: options.leaseDurationSeconds,
      renewTime: microTime(now()),
    };
    if (lease) {
      // A Lease written before the Node was known gets its owner now (upstream's setNodeOwnerFunc).
      const metadata =
        nodeUid && !lease.metadata?.ownerReferences?.length
          ? { ...lease.metadata, ownerReferences: [nodeOwner(nodeUid)] }
          : lease.metadata;
      try {
        lease = keep(await leases.update({ ...lease, metadata, spec: { ...lease.spec, ...spec } }));
        return;
      } catch (error) {
        lease = undefined;
        if (!isStatus(error, 404) && !isStatus(error, 409)) throw error;
      }
    }
    try {
      lease = keep(await leases.patch(name, { spec }));
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
      lease = keep(
        await leases.create({
          apiVersion: "coordination.k8s.io/v1",
          kind: "Lease",
          metadata: {
            name,
            namespace: "kube-node-lease",
            ownerReferences: nodeUid ? [nodeOwner(nodeUid)] : undefined,
          },
          spec,
        } satisfies Lease),
      );
    }
  };

  const every = (ms: number, fn: () => Promise<void>, what: string): void => {
    const tick = async (): Promise<void> => {
      if (stopped) return;
      try {
        await fn();
      } catch (error) {
        if (what === "status update") readFromApi = true;
        log(`node ${name}: ${what} failed: ${(error as Error).message}`);
        if (isStatus(error, 404) && what === "status update") await register();
      }
      if (!stopped) after(ms * (1 + JITTER * Math.random()), () => void tick());
    };
    void tick();
  };

  // Upstream's kubelet Run starts the lease controller at once, beside registration: a restarted
  // node's Lease is renewed before its (slower) registration and status round trips, so the node
  // lifecycle controller's grace period does not run out while 5000 kubelets come back.
  every((options.leaseDurationSeconds * 1000) / 4, renewLease, "lease renewal");
  const registered = register().then(() => {
    every(options.statusIntervalMs, postStatus, "status update");
  });
  return {
    registered,
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      void nodeInformer.stop();
    },
  };
}
