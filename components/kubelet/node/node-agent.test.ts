import { afterEach, describe, expect, test } from "bun:test";
import type { Node } from "kubernetes-types/core/v1";
import { ApiClient } from "../../../lib/client/api-client.ts";
import { until } from "../../../test/harness/until.ts";
import { type NodeAgent, startNodeAgent, statusMatches } from "./node-agent.ts";
import { nodeLabels, nodeStatus } from "./node-object.ts";

/** A fake API holding one Node (merge patches of its status applied, list and watch of it) and its Lease. */
function fakeApi() {
  const calls = { gets: 0, statusPatches: 0, leaseWrites: 0, lists: 0 };
  let node: Node | undefined;
  let version = 1;
  const watchers = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const changed = (type: "ADDED" | "MODIFIED") => {
    version++;
    if (node) node = { ...node, metadata: { ...node.metadata, resourceVersion: String(version) } };
    const line = new TextEncoder().encode(`${JSON.stringify({ type, object: node })}\n`);
    for (const w of watchers) w.enqueue(line);
  };
  const client = new ApiClient({
    server: "http://api.invalid",
    fetch: async (request) => {
      const url = new URL(request.url);
      if (url.pathname.includes("/leases")) {
        calls.leaseWrites++;
        const body = (request.method === "GET" ? {} : await request.json()) as Record<string, unknown>;
        return Response.json({
          ...body,
          metadata: { name: "n1", namespace: "kube-node-lease", resourceVersion: "1" },
        });
      }
      if (request.method === "GET" && url.pathname === "/api/v1/nodes") {
        expect(url.searchParams.get("fieldSelector")).toBe("metadata.name=n1");
        if (url.searchParams.get("watch") !== "true") {
          calls.lists++;
          return Response.json({ metadata: { resourceVersion: String(version) }, items: node ? [node] : [] });
        }
        let self: ReadableStreamDefaultController<Uint8Array> | undefined;
        const body = new ReadableStream<Uint8Array>({
          start: (controller) => {
            self = controller;
            watchers.add(controller);
          },
          cancel: () => {
            if (self) watchers.delete(self);
          },
        });
        request.signal.addEventListener("abort", () => {
          if (self) watchers.delete(self);
        });
        return new Response(body);
      }
      if (request.method === "POST") {
        node = { ...((await request.json()) as Node), metadata: { name: "n1", uid: "u1" } };
        changed("ADDED");
        return Response.json(node, { status: 201 });
      }
      if (request.method === "GET") {
        calls.gets++;
        return Response.json(node);
      }
      if (request.method === "PATCH" && url.pathname.endsWith("/status")) {
        calls.statusPatches++;
        const patch = (await request.json()) as Node;
        node = { ...node, status: { ...node?.status, ...patch.status } };
        changed("MODIFIED");
        return Response.json(node);
      }
      return Response.json({ kind: "Status", code: 404 }, { status: 404 });
    },
  });
  return {
    client,
    calls,
    node: () => node,
    /** What the node lifecycle controller does to a node whose heartbeats stopped. */
    markUnknown() {
      for (const c of node?.status?.conditions ?? []) {
        c.status = "Unknown";
        c.reason = "NodeStatusUnknown";
        c.message = "Kubelet stopped posting node status.";
      }
      changed("MODIFIED");
    },
  };
}

/** The node informer's list and watch, which these fakes do not serve (it retries; ticks GET instead). */
const nodeCollection = (request: Request) =>
  request.method === "GET" && new URL(request.url).pathname === "/api/v1/nodes";
const notServed = () => Response.json({ kind: "Status", code: 404 }, { status: 404 });
/** The node informer's list and watch on a cluster without the Node yet (the watch stays quiet). */
const noNodeYet = (request: Request) =>
  new URL(request.url).searchParams.get("watch") === "true"
    ? new Response(new ReadableStream({ start: () => undefined }))
    : Response.json({ metadata: { resourceVersion: "1" }, items: [] });

const facts = {
  nodeName: "n1",
  nodeIP: "10.0.0.1",
  kubeletPort: 10250,
  podCIDR: undefined,
  labels: {},
  maxPods: 110,
  runtimeName: "fake",
};

let agent: NodeAgent | undefined;

/** An agent that registers and renews its Lease every ~10 ms (a 40 ms lease), status rarely. */
function startLeaseAgent(client: ApiClient): NodeAgent {
  return startNodeAgent({
    client,
    facts,
    register: true,
    leaseDurationSeconds: 0.04,
    statusIntervalMs: 60_000,
    now: () => new Date(),
    log: () => {},
  });
}
afterEach(() => agent?.stop());

describe("node agent status", () => {
  test("a Ready=Unknown set by another writer is answered at the next tick, an unchanged status is not re-posted; ticks read the Node from the informer, not with a GET", async () => {
    const api = fakeApi();
    let ticks = 0;
    agent = startNodeAgent({
      client: api.client,
      facts,
      register: true,
      leaseDurationSeconds: 40,
      statusIntervalMs: 10,
      now: () => {
        ticks++;
        return new Date();
      },
      log: () => {},
    });
    await agent.registered;
    expect(api.calls.statusPatches).toBe(1);
    await until("the node informer listed", () => (api.calls.lists > 0 ? true : undefined));
    // Ticks read the Node and, with nothing changed, write nothing; none of them GETs it.
    const gets = api.calls.gets;
    const seen = ticks;
    await until("ten status ticks", () => (ticks >= seen + 10 ? true : undefined));
    expect(api.calls.statusPatches).toBe(1);
    expect(api.calls.gets).toBe(gets);

    api.markUnknown();
    await until("Ready=True posted again", () =>
      api.node()?.status?.conditions?.find((c) => c.type === "Ready")?.status === "True" ? true : undefined,
    );
    expect(api.calls.statusPatches).toBe(2);
    const ready = api.node()?.status?.conditions?.find((c) => c.type === "Ready");
    expect(ready?.reason).toBe("KubeletReady");
  });

  test("statusMatches compares the fields the kubelet sets, conditions without their times or order", () => {
    const wanted = nodeStatus(facts, "2026-01-01T00:00:00Z");
    const later = nodeStatus(facts, "2026-01-01T00:05:00Z");
    expect(statusMatches(wanted, later)).toBe(true);
    expect(statusMatches({ ...wanted, conditions: [...(wanted.conditions ?? [])].reverse() }, later)).toBe(
      true,
    );
    // Fields another writer owns (the attach/detach controller's volumesAttached) do not count.
    expect(statusMatches({ ...wanted, volumesAttached: [{ name: "v", devicePath: "/d" }] }, later)).toBe(
      true,
    );
    expect(statusMatches(undefined, later)).toBe(false);
    expect(statusMatches({ ...wanted, addresses: [] }, later)).toBe(false);
    const unknown = (wanted.conditions ?? []).map((c) =>
      c.type === "Ready" ? { ...c, status: "Unknown" } : c,
    );
    expect(statusMatches({ ...wanted, conditions: unknown }, later)).toBe(false);
  });
});

describe("node agent lease", () => {
  test("renewals update the last Lease written, sent without its managedFields (the live ones are kept)", async () => {
    const bodies: { method: string; body: Record<string, unknown> }[] = [];
    let rv = 0;
    const client = new ApiClient({
      server: "http://api.invalid",
      fetch: async (request) => {
        if (nodeCollection(request)) return noNodeYet(request);
        const url = new URL(request.url);
        if (url.pathname.includes("/leases")) {
          const body = (await request.json()) as { metadata?: object; spec?: object };
          bodies.push({ method: request.method, body });
          if (request.method === "PATCH")
            return Response.json({ kind: "Status", code: 404 }, { status: 404 });
          rv++;
          return Response.json(
            {
              ...body,
              metadata: {
                ...body.metadata,
                resourceVersion: String(rv),
                managedFields: [{ manager: "kubelet", operation: "Update", fieldsV1: { "f:spec": {} } }],
              },
            },
            { status: request.method === "POST" ? 201 : 200 },
          );
        }
        if (request.method === "POST")
          return Response.json({ metadata: { name: "n1", uid: "u1" } }, { status: 201 });
        if (request.method === "GET") return Response.json({ metadata: { name: "n1", uid: "u1" } });
        return Response.json({ metadata: { name: "n1", uid: "u1" } });
      },
    });
    agent = startLeaseAgent(client);
    await agent.registered;
    await until("three renewals", () =>
      bodies.filter((b) => b.method === "PUT").length >= 3 ? true : undefined,
    );
    agent.stop();
    expect(bodies.slice(0, 2).map((b) => b.method)).toEqual(["PATCH", "POST"]);
    const puts = bodies.filter((b) => b.method === "PUT");
    for (const [i, put] of puts.entries()) {
      const meta = put.body.metadata as {
        managedFields?: unknown;
        resourceVersion?: string;
        ownerReferences?: unknown;
      };
      expect(meta.managedFields).toBeUndefined();
      // Each renewal is an Update of the Lease the previous write returned.
      expect(meta.resourceVersion).toBe(String(i + 1));
      expect(meta.ownerReferences).toEqual([{ apiVersion: "v1", kind: "Node", name: "n1", uid: "u1" }]);
      expect((put.body.spec as { holderIdentity?: string }).holderIdentity).toBe("n1");
    }
  });
});

describe("node agent registration", () => {
  /** An API where the Node exists already (a restart): counts the PATCHes of its metadata. */
  /** `listed`: the node informer's list shows the Node (its watch then stays open, quiet). */
  function existingNode(labels: Record<string, string>, podCIDR?: string, listed = false) {
    const metaPatches: unknown[] = [];
    const requests: string[] = [];
    const node: Node = { metadata: { name: "n1", uid: "u1", labels }, spec: podCIDR ? { podCIDR } : {} };
    const client = new ApiClient({
      server: "http://api.invalid",
      fetch: async (request) => {
        const url = new URL(request.url);
        if (nodeCollection(request)) {
          if (!listed) return notServed();
          if (url.searchParams.get("watch") === "true")
            return new Response(new ReadableStream({ start: () => undefined }));
          return Response.json({ metadata: { resourceVersion: "5" }, items: [node] });
        }
        if (!url.pathname.includes("/leases")) requests.push(`${request.method} ${url.pathname}`);
        if (url.pathname.includes("/leases")) return Response.json({ metadata: { name: "n1" } });
        if (request.method === "POST")
          return Response.json({ kind: "Status", code: 409, reason: "AlreadyExists" }, { status: 409 });
        if (request.method === "PATCH" && !url.pathname.endsWith("/status")) {
          const patch = (await request.json()) as Node;
          metaPatches.push(patch);
          node.metadata = { ...node.metadata, labels: { ...patch.metadata?.labels } };
          if (patch.spec) node.spec = { ...node.spec, ...patch.spec };
        }
        return Response.json(node);
      },
    });
    return { client, metaPatches, node, requests };
  }
  const start = (client: ApiClient, podCIDR?: string): NodeAgent =>
    startNodeAgent({
      client,
      facts: { ...facts, podCIDR },
      register: true,
      leaseDurationSeconds: 40,
      statusIntervalMs: 60_000,
      now: () => new Date(),
      log: () => {},
    });

  test("an existing Node whose labels and pod CIDR already match is not patched (a restart writes no metadata)", async () => {
    const api = existingNode({ ...nodeLabels(facts), extra: "kept" }, "10.64.1.0/24");
    agent = start(api.client, "10.64.1.0/24");
    await agent.registered;
    expect(api.metaPatches).toEqual([]);
  });

  test("a Node the informer's first list shows is adopted without a POST or a GET (a restart)", async () => {
    const api = existingNode({ ...nodeLabels(facts) }, "10.64.1.0/24", true);
    agent = start(api.client, "10.64.1.0/24");
    await agent.registered;
    expect(api.requests.filter((r) => !r.endsWith("/status"))).toEqual([]);
    expect(api.metaPatches).toEqual([]);
  });

  test("an existing Node missing a default label or its pod CIDR is patched, other labels kept", async () => {
    const labels = nodeLabels(facts);
    const { "kubernetes.io/os": _missing, ...rest } = labels;
    const api = existingNode({ ...rest, extra: "kept" });
    agent = start(api.client, "10.64.2.0/24");
    await agent.registered;
    expect(api.metaPatches).toHaveLength(1);
    expect(api.node.metadata?.labels).toEqual({ ...labels, extra: "kept" });
    expect(api.node.spec?.podCIDR).toBe("10.64.2.0/24");
  });
});

describe("node agent lease at start", () => {
  test("the Lease is renewed while registration still waits, and gets its Node owner once the Node is known", async () => {
    const leaseBodies: { method: string; owners: unknown }[] = [];
    let releaseNode!: () => void;
    const nodeCreated = new Promise<void>((r) => {
      releaseNode = r;
    });
    const client = new ApiClient({
      server: "http://api.invalid",
      fetch: async (request) => {
        if (nodeCollection(request)) return notServed();
        const url = new URL(request.url);
        if (url.pathname.includes("/leases")) {
          const body = (await request.json()) as { metadata?: { ownerReferences?: unknown } };
          leaseBodies.push({ method: request.method, owners: body.metadata?.ownerReferences });
          if (request.method === "PATCH")
            return Response.json({ kind: "Status", code: 404 }, { status: 404 });
          return Response.json(
            {
              ...body,
              metadata: { ...body.metadata, name: "n1", resourceVersion: String(leaseBodies.length) },
            },
            { status: request.method === "POST" ? 201 : 200 },
          );
        }
        if (request.method === "POST") {
          await nodeCreated;
          return Response.json({ metadata: { name: "n1", uid: "u1" } }, { status: 201 });
        }
        return Response.json({ metadata: { name: "n1", uid: "u1" } });
      },
    });
    agent = startLeaseAgent(client);
    await until("renewals before the Node exists", () =>
      leaseBodies.filter((b) => b.method === "PUT").length >= 2 ? true : undefined,
    );
    expect(leaseBodies.every((b) => b.owners === undefined)).toBe(true);
    releaseNode();
    await agent.registered;
    const seen = leaseBodies.length;
    await until("a renewal after registration", () =>
      leaseBodies.slice(seen).some((b) => b.method === "PUT") ? true : undefined,
    );
    const after = leaseBodies.slice(seen).find((b) => b.method === "PUT");
    expect(after?.owners).toEqual([{ apiVersion: "v1", kind: "Node", name: "n1", uid: "u1" }]);
  });
});
