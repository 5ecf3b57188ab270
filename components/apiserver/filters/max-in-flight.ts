// At most N requests at once, reads and writes counted apart: upstream's WithMaxInFlightLimit
// (--max-requests-inflight 400, --max-mutating-requests-inflight 200). Long-running requests
// (watch, proxy, exec, attach, logs, port-forward) are not counted; system:masters always passes.
// Over the limit: 429, Retry-After: 1, upstream's plain-text body. A node's heartbeat (its Lease
// and Node, from system:nodes) has seats of its own, as APF's system-node-high flow schema
// gives them the node-high priority level, and waits in line for one when they are taken (APF
// queues; 64 queues of 50 there): a workload flood cannot 429 nodes into NotReady. The nodes'
// other requests (pod status, events, tokens, reads: APF's system-nodes flow schema and system
// level) have seats and a line of their own too, so a kubelet storm (5000 restarting) neither
// 429s itself nor takes the seats of the controllers and users.
import { GROUPS } from "../authn/user-info.ts";
import { type RequestInfo, requestInfo } from "../request-info.ts";
import type { Filter } from "./chain.ts";
import { contextOf } from "./request-context.ts";

export interface MaxInFlightOptions {
  /** Reads (get, list, watch) at once; 0: unlimited. Default 400. */
  maxRequestsInFlight?: number;
  /** Writes at once; 0: unlimited. Default 200. */
  maxMutatingRequestsInFlight?: number;
  /** Node heartbeats (system:nodes on leases and nodes) at once, apart from the rest. Default 100. */
  maxNodeHeartbeatsInFlight?: number;
  /** Node heartbeats waiting for a seat before one more is refused. Default 3200 (APF's 64 × 50). */
  nodeHeartbeatQueueLength?: number;
  /** Other requests of system:nodes at once (APF's system level). Default 100. */
  maxNodeRequestsInFlight?: number;
  /** Those waiting for a seat before one more is refused. Default 3200 (APF's 64 × 50). */
  nodeRequestQueueLength?: number;
}

const NON_MUTATING = new Set(["get", "list", "watch"]);
const LONG_RUNNING_VERBS = new Set(["watch", "proxy"]);
const LONG_RUNNING_SUBRESOURCES = new Set(["attach", "exec", "proxy", "log", "portforward"]);

/** Upstream's BasicLongRunningRequestCheck with kube-apiserver's verbs and subresources. */
export function isLongRunning(info: RequestInfo): boolean {
  if (LONG_RUNNING_VERBS.has(info.verb)) return true;
  if (info.isResourceRequest) return LONG_RUNNING_SUBRESOURCES.has(info.subresource);
  return info.path.startsWith("/debug/pprof/");
}

export function tooManyRequestsResponse(): Response {
  return new Response("Too many requests, please try again later.\n", {
    status: 429,
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "X-Content-Type-Options": "nosniff",
      "Retry-After": "1",
    },
  });
}

/**
 * What upstream's system-node-high flow schema matches: a system:nodes member on nodes (and
 * nodes/status) or on leases (of kube-node-lease, where node leases live).
 */
export function isNodeHeartbeat(info: RequestInfo, groups: readonly string[] | undefined): boolean {
  if (!info.isResourceRequest || !groups?.includes(GROUPS.nodes)) return false;
  if (info.group === "" && info.resource === "nodes") return true;
  return (
    info.group === "coordination.k8s.io" && info.resource === "leases" && info.namespace === "kube-node-lease"
  );
}

type Seats = "read" | "write" | "node" | "system";

function seatsOf(info: RequestInfo, groups: readonly string[] | undefined): Seats {
  if (groups?.includes(GROUPS.nodes)) return isNodeHeartbeat(info, groups) ? "node" : "system";
  return NON_MUTATING.has(info.verb) ? "read" : "write";
}

export function withMaxInFlight(options: MaxInFlightOptions = {}): Filter {
  const limits: Record<Seats, number> = {
    read: options.maxRequestsInFlight ?? 400,
    write: options.maxMutatingRequestsInFlight ?? 200,
    node: options.maxNodeHeartbeatsInFlight ?? 100,
    system: options.maxNodeRequestsInFlight ?? 100,
  };
  const inFlight: Record<Seats, number> = { read: 0, write: 0, node: 0, system: 0 };
  const queueLengths: Record<Seats, number> = {
    read: 0,
    write: 0,
    node: options.nodeHeartbeatQueueLength ?? 3200,
    system: options.nodeRequestQueueLength ?? 3200,
  };
  /** Requests waiting for a seat, first come first served: a finishing one hands its seat on. */
  const queued: Record<Seats, (() => void)[]> = { read: [], write: [], node: [], system: [] };
  return (next) => async (req) => {
    const ctx = contextOf(req);
    const info = ctx.info ?? requestInfo(req.method, new URL(req.url));
    if (isLongRunning(info)) return await next(req);
    const kind = seatsOf(info, ctx.user?.groups);
    const limit = limits[kind];
    if (limit === 0) return await next(req);
    const line = queued[kind];
    if (inFlight[kind] >= limit) {
      // A system:masters member (an admin, the loopback client) always gets an answer.
      if (ctx.user?.groups.includes(GROUPS.masters)) return await next(req);
      if (line.length >= queueLengths[kind]) return tooManyRequestsResponse();
      await new Promise<void>((resolve) => line.push(resolve));
    } else inFlight[kind]++;
    try {
      return await next(req);
    } finally {
      const waiter = line.shift();
      if (waiter) waiter();
      else inFlight[kind]--;
    }
  };
}
