// MirrorPods against a recording API: create with the config hash and the Node owner, replace
// a stale one, delete with the static pod, come back when deleted through the API.

import { describe, expect, test } from "bun:test";
import type { Pod } from "kubernetes-types/core/v1";
import { ApiClient } from "../../../lib/client/api-client.ts";
import { CONFIG_HASH, CONFIG_MIRROR, CONFIG_SOURCE } from "../sources/static-pod.ts";
import { MirrorPods } from "./mirror-pods.ts";

interface Sent {
  method: string;
  path: string;
  body: string;
}

function staticPod(uid: string): Pod {
  return {
    metadata: {
      name: "web-node1",
      namespace: "default",
      uid,
      annotations: { [CONFIG_HASH]: uid, [CONFIG_SOURCE]: "file" },
    },
    spec: { nodeName: "node1", containers: [{ name: "app", image: "nginx" }] },
  };
}

function setup(options: { createStatus?: number; failCreates?: number } = {}) {
  const sent: Sent[] = [];
  const lines: string[] = [];
  const created: [Pod, Pod][] = [];
  let desired: Pod[] = [];
  let serial = 0;
  const client = new ApiClient({
    server: "http://kt-fake",
    fetch: async (request) => {
      const url = new URL(request.url);
      const body = await request.text();
      sent.push({ method: request.method, path: url.pathname, body });
      if (request.method === "GET" && url.pathname === "/api/v1/nodes/node1")
        return Response.json({ kind: "Node", metadata: { name: "node1", uid: "node-uid" } });
      if (request.method === "POST" && (options.failCreates ?? 0) > 0) {
        options.failCreates = (options.failCreates ?? 0) - 1;
        throw new Error("ECONNREFUSED");
      }
      if (request.method === "POST" && options.createStatus)
        return Response.json(
          { kind: "Status", code: options.createStatus, reason: "x", message: "refused" },
          { status: options.createStatus },
        );
      if (request.method === "POST") {
        const pod = JSON.parse(body) as Pod;
        return Response.json(
          { ...pod, metadata: { ...pod.metadata, uid: `mirror-${++serial}` } },
          { status: 201 },
        );
      }
      return Response.json({ kind: "Status", code: 200 });
    },
  });
  const mirrors = new MirrorPods({
    client,
    nodeName: "node1",
    log: (line) => lines.push(line),
    desired: () => desired,
    created: (pod, mirror) => created.push([pod, mirror]),
    retryMs: 5,
  });
  return { mirrors, sent, lines, created, want: (pods: Pod[]) => (desired = pods) };
}

describe("MirrorPods", () => {
  test("ensure creates the mirror once: config.mirror hash, owned by the Node, no uid", async () => {
    const { mirrors, sent, created } = setup();
    const pod = staticPod("v1");
    await mirrors.ensure(pod);
    expect(sent.map((s) => `${s.method} ${s.path}`)).toEqual([
      "GET /api/v1/nodes/node1",
      "POST /api/v1/namespaces/default/pods",
    ]);
    const body = JSON.parse(sent[1]?.body ?? "{}") as Pod;
    expect(body.metadata?.uid).toBeUndefined();
    expect(body.metadata?.annotations?.[CONFIG_MIRROR]).toBe("v1");
    expect(body.metadata?.ownerReferences).toEqual([
      { apiVersion: "v1", kind: "Node", name: "node1", uid: "node-uid", controller: true },
    ]);
    expect(mirrors.get(pod)?.metadata?.uid).toBe("mirror-1");
    expect(created.map(([p, m]) => [p.metadata?.uid, m.metadata?.uid])).toEqual([["v1", "mirror-1"]]);
    await mirrors.ensure(pod);
    expect(sent).toHaveLength(2);
  });

  test("a new version of the static pod replaces its stale mirror", async () => {
    const { mirrors, sent } = setup();
    await mirrors.ensure(staticPod("v1"));
    sent.length = 0;
    await mirrors.ensure(staticPod("v2"));
    expect(sent.map((s) => `${s.method} ${s.path}`)).toEqual([
      "DELETE /api/v1/namespaces/default/pods/web-node1",
      "GET /api/v1/nodes/node1",
      "POST /api/v1/namespaces/default/pods",
    ]);
    expect(JSON.parse(sent[0]?.body ?? "{}")).toMatchObject({
      gracePeriodSeconds: 0,
      preconditions: { uid: "mirror-1" },
    });
    expect(mirrors.get(staticPod("v2"))?.metadata?.annotations?.[CONFIG_MIRROR]).toBe("v2");
  });

  test("delete removes the mirror unless a newer version of the static pod is wanted", async () => {
    const { mirrors, sent, want } = setup();
    const v1 = staticPod("v1");
    await mirrors.ensure(v1);
    sent.length = 0;
    want([staticPod("v2")]);
    await mirrors.delete(v1);
    expect(sent).toEqual([]);
    want([]);
    await mirrors.delete(v1);
    expect(sent.map((s) => `${s.method} ${s.path}`)).toEqual([
      "DELETE /api/v1/namespaces/default/pods/web-node1",
    ]);
    expect(mirrors.get(v1)).toBeUndefined();
  });

  test("a mirror deleted through the API comes back while its static pod is wanted", async () => {
    const { mirrors, sent, want } = setup();
    const pod = staticPod("v1");
    await mirrors.ensure(pod);
    const mirror = mirrors.get(pod) as Pod;
    // Some other pod's deletion with the same name (another UID) changes nothing.
    mirrors.gone({ ...mirror, metadata: { ...mirror.metadata, uid: "other" } });
    expect(mirrors.get(pod)).toBe(mirror);
    want([pod]);
    sent.length = 0;
    mirrors.gone(mirror);
    expect(mirrors.get(pod)).toBeUndefined();
    while (!mirrors.get(pod)) await Bun.sleep(1);
    expect(sent.map((s) => s.method)).toEqual(["GET", "POST"]);
    expect(mirrors.get(pod)?.metadata?.uid).toBe("mirror-2");
  });

  test("create errors are logged, except a conflict (the mirror exists already)", async () => {
    const conflict = setup({ createStatus: 409 });
    await conflict.mirrors.ensure(staticPod("v1"));
    expect(conflict.lines).toEqual([]);
    const forbidden = setup({ createStatus: 403 });
    await forbidden.mirrors.ensure(staticPod("v1"));
    expect(forbidden.lines).toEqual(["mirror pod for default/web-node1: refused; retrying"]);
    expect(forbidden.mirrors.get(staticPod("v1"))).toBeUndefined();
    forbidden.mirrors.stop();
  });

  test("a create that failed (API not up yet) is tried again while the static pod is wanted", async () => {
    const { mirrors, sent, want, lines } = setup({ failCreates: 2 });
    const pod = staticPod("v1");
    want([pod]);
    await mirrors.ensure(pod);
    while (!mirrors.get(pod)) await Bun.sleep(1);
    expect(sent.filter((s) => s.method === "POST")).toHaveLength(3);
    expect(lines).toHaveLength(2);
    mirrors.stop();
  });

  test("no retry for a static pod no longer wanted, nor after stop()", async () => {
    const gone = setup({ failCreates: 1 });
    await gone.mirrors.ensure(staticPod("v1"));
    const stopped = setup({ failCreates: 1 });
    stopped.want([staticPod("v1")]);
    await stopped.mirrors.ensure(staticPod("v1"));
    stopped.mirrors.stop();
    await Bun.sleep(30);
    expect(gone.sent.filter((s) => s.method === "POST")).toHaveLength(1);
    expect(stopped.sent.filter((s) => s.method === "POST")).toHaveLength(1);
  });

  test("standalone (no client): no mirror pods", async () => {
    const mirrors = new MirrorPods({
      client: undefined,
      nodeName: "n",
      log: () => {},
      desired: () => [],
      created: () => {},
    });
    await mirrors.ensure(staticPod("v1"));
    expect(mirrors.get(staticPod("v1"))).toBeUndefined();
  });
});
