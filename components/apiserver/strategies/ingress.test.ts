import { describe, expect, test } from "bun:test";
import { ingressClassStrategy, ingressStrategy } from "./ingress.ts";
import { created, createErrors, updateErrors } from "./strategy-harness.ts";

const body = {
  metadata: { name: "web" },
  spec: {
    rules: [
      {
        host: "foo.example.com",
        http: {
          paths: [
            { path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } },
          ],
        },
      },
    ],
  },
};

describe("ingress", () => {
  test("status and generation", () => {
    const obj = created(ingressStrategy, body);
    expect(obj.status).toEqual({ loadBalancer: {} });
    expect(ingressStrategy.generation).toBe(true);
    expect(ingressStrategy.validate?.(obj)).toEqual([]);
  });

  test("paths and backends", () => {
    expect(
      createErrors(ingressStrategy, {
        spec: {
          rules: [
            {
              http: {
                paths: [
                  { path: "api", pathType: "Exact", backend: { service: { name: "a", port: {} } } },
                  { path: "/", backend: { service: { name: "a", port: { name: "http", number: 80 } } } },
                ],
              },
            },
          ],
        },
      }),
    ).toEqual([
      'spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path',
      "spec.rules[0].http.paths[0].backend.service.port: Required value: port name or number is required",
      "spec.rules[0].http.paths[1].pathType: Required value: pathType must be specified",
      'spec.rules[0].http.paths[1].backend.service.port: Invalid value: {"name":"http","number":80}: cannot set both port name & port number',
    ]);
    expect(createErrors(ingressStrategy, { spec: {} })).toEqual([
      'spec: Invalid value: "": either `defaultBackend` or `rules` must be specified',
    ]);
  });

  test("ingress class controller", () => {
    expect(createErrors(ingressClassStrategy, { spec: {} })).toEqual(["spec.controller: Required value"]);
    const old = created(ingressClassStrategy, {
      metadata: { name: "nginx" },
      spec: { controller: "k8s.io/ingress-nginx" },
    });
    const next = structuredClone(old);
    (next.spec as Record<string, unknown>).controller = "example.com/other";
    expect(updateErrors(ingressClassStrategy, next, old, false)).toEqual([
      'spec.controller: Invalid value: "example.com/other": field is immutable',
    ]);
  });
});

test("ingress class parameters default to cluster scope", () => {
  const obj = created(ingressClassStrategy, {
    spec: { controller: "x.io/c", parameters: { kind: "P", name: "p" } },
  });
  expect(obj.spec).toEqual({ controller: "x.io/c", parameters: { kind: "P", name: "p", scope: "Cluster" } });
});
