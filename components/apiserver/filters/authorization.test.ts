import { describe, expect, test } from "bun:test";
import type { Attributes, Authorizer } from "../authz/authorizer.ts";
import { requestInfo } from "../request-info.ts";
import { withAuthorization } from "./authorization.ts";
import { contextOf } from "./request-context.ts";

const seen: Attributes[] = [];
/** Allows alice everything; says no to anyone else, with a reason for bob. */
const authorizer: Authorizer = {
  authorize(attrs) {
    seen.push(attrs);
    if (attrs.user.username === "alice") return { decision: "allow" };
    return attrs.user.username === "bob"
      ? { decision: "deny", reason: "bob is <blocked>" }
      : { decision: "noOpinion" };
  },
};
const handler = withAuthorization(authorizer)(async () => new Response("ok"));

function req(method: string, path: string, username: string): Request {
  const r = new Request(`https://kube${path}`, { method });
  const c = contextOf(r);
  c.user = { username, groups: ["system:authenticated"] };
  c.info = requestInfo(method, new URL(r.url));
  return r;
}

async function body(r: Request): Promise<string> {
  const res = await handler(r);
  expect(res.status).toBe(403);
  return await res.text();
}

describe("withAuthorization", () => {
  test("allowed requests reach the handler", async () => {
    expect(await (await handler(req("GET", "/api/v1/namespaces/default/pods", "alice"))).text()).toBe("ok");
  });

  test("a namespaced list: upstream's 403 body byte for byte", async () => {
    expect(await body(req("GET", "/api/v1/namespaces/default/pods", "x"))).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods is forbidden: User \\"x\\" cannot list resource \\"pods\\" in API group \\"\\" in the namespace \\"default\\"","reason":"Forbidden","details":{"kind":"pods"},"code":403}\n',
    );
  });

  test("a named object in a group, cluster scope, with the authorizer's reason", async () => {
    expect(
      JSON.parse(await body(req("DELETE", "/apis/rbac.authorization.k8s.io/v1/clusterroles/admin", "bob"))),
    ).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message:
        'clusterroles.rbac.authorization.k8s.io "admin" is forbidden: User "bob" cannot delete resource "clusterroles" in API group "rbac.authorization.k8s.io" at the cluster scope: bob is <blocked>',
      reason: "Forbidden",
      details: { name: "admin", group: "rbac.authorization.k8s.io", kind: "clusterroles" },
      code: 403,
    });
  });

  test("a subresource is named resource/subresource; a non-resource path is 'forbidden: ... path'", async () => {
    expect(JSON.parse(await body(req("POST", "/api/v1/namespaces/ns/pods/web/exec", "x"))).message).toBe(
      'pods "web" is forbidden: User "x" cannot create resource "pods/exec" in API group "" in the namespace "ns"',
    );
    expect(await body(req("GET", "/api", "system:anonymous"))).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"forbidden: User \\"system:anonymous\\" cannot get path \\"/api\\"","reason":"Forbidden","details":{},"code":403}\n',
    );
    expect(JSON.parse(await body(req("POST", "/logs/x", "x"))).message).toBe(
      'forbidden: User "x" cannot post path "/logs/x"',
    );
  });

  test("verbs as upstream's RequestInfo: watch, deletecollection; a name from fieldSelector", async () => {
    seen.length = 0;
    await handler(req("GET", "/api/v1/nodes?watch=true&fieldSelector=metadata.name%3Dn1", "alice"));
    await handler(req("DELETE", "/api/v1/namespaces/ns/pods", "alice"));
    await handler(req("GET", "/api/v1/namespaces/ns/pods?fieldSelector=metadata.name%3D..", "alice"));
    expect(seen.map((a) => [a.verb, a.resource, a.name])).toEqual([
      ["watch", "nodes", "n1"],
      ["deletecollection", "pods", ""],
      ["list", "pods", ""],
    ]);
  });

  test("no authorizer (AlwaysAllow): everything passes", async () => {
    const open = withAuthorization(undefined)(async () => new Response("ok"));
    expect((await open(req("DELETE", "/api/v1/nodes/n1", "anyone"))).status).toBe(200);
  });
});
