import { expect, test } from "bun:test";
import { requestInfo } from "./request-info.ts";

const info = (method: string, path: string) => requestInfo(method, new URL(`http://x${path}`));

test("resource paths resolve as upstream's RequestInfoFactory", () => {
  expect(info("GET", "/api/v1/namespaces/default/pods")).toMatchObject({
    verb: "list",
    group: "",
    version: "v1",
    namespace: "default",
    resource: "pods",
    name: "",
  });
  expect(info("GET", "/apis/apps/v1/namespaces/ns1/deployments/web/scale")).toMatchObject({
    verb: "get",
    group: "apps",
    resource: "deployments",
    name: "web",
    subresource: "scale",
    namespace: "ns1",
  });
  expect(info("GET", "/api/v1/namespaces/kube-system")).toMatchObject({
    resource: "namespaces",
    name: "kube-system",
  });
  expect(info("PUT", "/api/v1/namespaces/x/finalize")).toMatchObject({
    verb: "update",
    resource: "namespaces",
    name: "x",
    subresource: "finalize",
  });
  expect(info("GET", "/api/v1/pods?watch=true")).toMatchObject({
    verb: "watch",
    resource: "pods",
    namespace: "",
  });
  expect(info("GET", "/api/v1/watch/namespaces/a/pods")).toMatchObject({
    verb: "watch",
    namespace: "a",
    resource: "pods",
  });
  expect(info("DELETE", "/api/v1/namespaces/a/pods")).toMatchObject({ verb: "deletecollection" });
  expect(info("POST", "/api/v1/namespaces/a/pods/p/binding")).toMatchObject({
    verb: "create",
    subresource: "binding",
  });
  expect(info("GET", "/api/v1/namespaces/a/services/s:http/proxy/x/y")).toMatchObject({
    name: "s:http",
    subresource: "proxy",
    rest: ["x", "y"],
  });
  expect(info("GET", "/version").isResourceRequest).toBe(false);
  expect(info("GET", "/apis/apps/v1").isResourceRequest).toBe(false);
});
