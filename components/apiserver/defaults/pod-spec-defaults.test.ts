import { expect, test } from "bun:test";
import { defaultPodOnly, defaultPodSpec } from "./pod-spec-defaults.ts";

test("pod spec defaults in depth", () => {
  const spec: Record<string, unknown> = {
    serviceAccount: "builder",
    containers: [
      {
        name: "a",
        image: "a:1",
        readinessProbe: { grpc: { port: 9000 }, periodSeconds: 0 },
        lifecycle: { preStop: { httpGet: { port: 80 } } },
        env: [{ name: "CPU", valueFrom: { resourceFieldRef: { resource: "limits.cpu" } } }],
        ports: [{ containerPort: 8080 }],
      },
    ],
    volumes: [
      { name: "s", secret: { secretName: "s" } },
      { name: "d", downwardAPI: { items: [{ path: "n", fieldRef: { fieldPath: "metadata.name" } }] } },
      { name: "t", projected: { sources: [{ serviceAccountToken: { path: "token" } }] } },
    ],
    hostNetwork: true,
  };
  defaultPodSpec(spec);
  defaultPodOnly(spec);
  expect(spec.serviceAccountName).toBe("builder");
  const c = (spec.containers as Record<string, unknown>[])[0]!;
  expect(c.readinessProbe).toEqual({
    grpc: { port: 9000, service: "" },
    periodSeconds: 10,
    timeoutSeconds: 1,
    successThreshold: 1,
    failureThreshold: 3,
  });
  expect(c.lifecycle).toEqual({ preStop: { httpGet: { port: 80, path: "/", scheme: "HTTP" } } });
  expect(c.env).toEqual([
    { name: "CPU", valueFrom: { resourceFieldRef: { resource: "limits.cpu", divisor: "0" } } },
  ]);
  expect(c.ports).toEqual([{ containerPort: 8080, protocol: "TCP", hostPort: 8080 }]);
  expect(spec.volumes).toEqual([
    { name: "s", secret: { secretName: "s", defaultMode: 420 } },
    {
      name: "d",
      downwardAPI: {
        defaultMode: 420,
        items: [{ path: "n", fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } }],
      },
    },
    {
      name: "t",
      projected: {
        defaultMode: 420,
        sources: [{ serviceAccountToken: { path: "token", expirationSeconds: 3600 } }],
      },
    },
  ]);
});
