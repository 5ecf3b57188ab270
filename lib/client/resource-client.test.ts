// The resource-addressed client: paths from the resource table, names checked and escaped in
// one place, each verb's method, body and content type, and the errors for bad input.
import { describe, expect, test } from "bun:test";
import { findResource } from "../api/resource-lookup.ts";
import { resourcePath } from "../api/resource-path.ts";
import { ApiClient } from "./api-client.ts";
import { resource } from "./resource-client.ts";

interface Sent {
  method: string;
  path: string;
  contentType: string | null;
  body: string;
}

function recordingClient() {
  const sent: Sent[] = [];
  const client = new ApiClient({
    server: "http://kt-fake",
    fetch: async (request) => {
      const url = new URL(request.url);
      sent.push({
        method: request.method,
        path: `${url.pathname}${url.search}`,
        contentType: request.headers.get("content-type"),
        body: await request.text(),
      });
      if (url.pathname.endsWith("/missing"))
        return new Response(JSON.stringify({ kind: "Status", code: 404, reason: "NotFound" }), {
          status: 404,
        });
      return new Response(JSON.stringify({ kind: "Thing", items: [] }), { status: 200 });
    },
  });
  return { client, sent };
}

describe("resource lookup", () => {
  test("by plural, plural.group, kind, short name, apiVersion+kind", () => {
    expect(findResource("pods")?.kind).toBe("Pod");
    expect(findResource("po")?.plural).toBe("pods");
    expect(findResource("deployments.apps")?.group).toBe("apps");
    expect(findResource("Deployment")?.plural).toBe("deployments");
    expect(findResource("events.events.k8s.io")?.group).toBe("events.k8s.io");
    expect(findResource("Event")?.group).toBe(""); // the core Event comes first
    expect(findResource({ apiVersion: "autoscaling/v1", kind: "HorizontalPodAutoscaler" })?.version).toBe(
      "v1",
    );
    expect(findResource("HorizontalPodAutoscaler")?.version).toBe("v2");
    expect(findResource("widgets")).toBeUndefined();
    expect(findResource("pods.apps")).toBeUndefined();
  });
});

describe("resource client", () => {
  test("paths for core, grouped, cluster-scoped and subresources", () => {
    const { client } = recordingClient();
    expect(resource(client, "pods").path()).toBe("/api/v1/pods");
    expect(resource(client, "pods").namespace("kube-system").path()).toBe(
      "/api/v1/namespaces/kube-system/pods",
    );
    expect(resource(client, "deployments.apps").namespace("a").path("web", "scale")).toBe(
      "/apis/apps/v1/namespaces/a/deployments/web/scale",
    );
    expect(resource(client, "nodes").path("n1", "status")).toBe("/api/v1/nodes/n1/status");
    expect(resource(client, "Lease").namespace("kube-node-lease").path("n1")).toBe(
      "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1",
    );
    // A namespace on a cluster-scoped resource is not part of its path (client-go ignores it too).
    expect(resource(client, "nodes").namespace("x").path("n1")).toBe("/api/v1/nodes/n1");
    // Names are escaped in this one place.
    expect(resource(client, "configmaps").namespace("a").path("x:y@z")).toBe(
      "/api/v1/namespaces/a/configmaps/x%3Ay%40z",
    );
  });

  test("bad names and namespaces fail before any request, with client-go's messages", () => {
    const { client, sent } = recordingClient();
    const pods = resource(client, "pods");
    expect(() => pods.namespace("a").path("")).toThrow("resource name may not be empty");
    expect(() => pods.namespace("a").path("a/b")).toThrow(
      `invalid resource name "a/b": [may not contain '/']`,
    );
    expect(() => pods.namespace("a").path("..")).toThrow(`invalid resource name "..": [may not be '..']`);
    expect(() => pods.namespace("a").path("50%")).toThrow("may not contain '%'");
    expect(() => pods.path("web")).toThrow(
      "an empty namespace may not be set when a resource name is provided",
    );
    expect(() => pods.namespace("x/y")).toThrow(`invalid namespace "x/y"`);
    expect(() => resource(client, "widgets")).toThrow(`the server doesn't have a resource type "widgets"`);
    expect(sent).toEqual([]);
  });

  test("each verb sends its method, path, body and content type", async () => {
    const { client, sent } = recordingClient();
    const rs = resource<{ metadata: { name: string } }>(client, "replicasets.apps").namespace("ns1");
    await rs.get("r1");
    await rs.list({ labelSelector: "app=web" });
    await rs.create({ metadata: { name: "r2" } });
    await rs.update({ metadata: { name: "r2" } });
    await rs.updateStatus({ metadata: { name: "r2" } });
    await rs.patch("r2", { spec: { replicas: 2 } }, "strategic");
    await rs.delete("r2", { propagationPolicy: "Background" });
    await resource(client, "pods").namespace("ns1").createSubresource("p1", "eviction", { kind: "Eviction" });
    expect(await rs.getIfExists("missing")).toBeUndefined();
    const base = "/apis/apps/v1/namespaces/ns1/replicasets";
    expect(sent.map((s) => `${s.method} ${s.path}`)).toEqual([
      `GET ${base}/r1`,
      `GET ${base}?labelSelector=app%3Dweb`,
      `POST ${base}`,
      `PUT ${base}/r2`,
      `PUT ${base}/r2/status`,
      `PATCH ${base}/r2`,
      `DELETE ${base}/r2`,
      "POST /api/v1/namespaces/ns1/pods/p1/eviction",
      `GET ${base}/missing`,
    ]);
    expect(sent[5]?.contentType).toBe("application/strategic-merge-patch+json");
    expect(JSON.parse(sent[6]?.body ?? "{}")).toMatchObject({
      kind: "DeleteOptions",
      propagationPolicy: "Background",
    });
    await expect(rs.update({ metadata: { name: "" } })).rejects.toThrow("resource name may not be empty");
    await expect(rs.namespace("").get("r1")).rejects.toThrow("an empty namespace may not be set");
    expect(sent.length).toBe(9);
  });
});

test("resourcePath also takes a discovered resource that is not in the table (a CRD, metrics)", () => {
  const crd = { group: "kt.example.com", version: "v1", plural: "widgets", namespaced: true };
  expect(resourcePath(crd, { namespace: "a" })).toBe("/apis/kt.example.com/v1/namespaces/a/widgets");
  expect(resourcePath(crd, { namespace: "a", name: "w 1" })).toBe(
    "/apis/kt.example.com/v1/namespaces/a/widgets/w%201",
  );
  expect(resourcePath({ ...crd, namespaced: false }, { namespace: "a", name: "w" })).toBe(
    "/apis/kt.example.com/v1/widgets/w",
  );
  expect(() => resourcePath(crd, { name: "w" })).toThrow("an empty namespace may not be set");
});
