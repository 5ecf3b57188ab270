// Service environment variables against upstream's envvars_test.go shapes, and how they mix with
// a container's own env in containerEnv (explicit names win, $(VAR) sees the services).

import { expect, test } from "bun:test";
import type { Container, Pod, Service, ServicePort } from "kubernetes-types/core/v1";
import { containerEnv } from "./container-env.ts";
import { NO_OBJECTS } from "./object-source.ts";
import { serviceEnv, servicesForPod } from "./service-env.ts";

const svc = (namespace: string, name: string, clusterIP: string, ports: ServicePort[]): Service => ({
  metadata: { namespace, name },
  spec: { clusterIP, ports },
});

const all: Service[] = [
  svc("default", "kubernetes", "10.96.0.1", [{ name: "https", port: 443, protocol: "TCP" }]),
  svc("shop", "web-front", "10.96.4.2", [
    { name: "http", port: 80 },
    { name: "dns-udp", port: 53, protocol: "UDP" },
  ]),
  svc("shop", "headless", "None", [{ port: 5432 }]),
  svc("other", "elsewhere", "10.96.9.9", [{ port: 1 }]),
];

test("a namespace's services with a ClusterIP, and default/kubernetes for everyone", () => {
  expect(servicesForPod(all, "shop", true).map((s) => s.metadata?.name)).toEqual(["kubernetes", "web-front"]);
  expect(servicesForPod(all, "shop", false).map((s) => s.metadata?.name)).toEqual(["kubernetes"]);
  expect(servicesForPod(all, "other", true).map((s) => s.metadata?.name)).toEqual([
    "kubernetes",
    "elsewhere",
  ]);
});

test("names, ports and the Docker-link variables as upstream writes them", () => {
  const env = serviceEnv(servicesForPod(all, "shop", true));
  expect(Object.fromEntries(env)).toEqual({
    KUBERNETES_SERVICE_HOST: "10.96.0.1",
    KUBERNETES_SERVICE_PORT: "443",
    KUBERNETES_SERVICE_PORT_HTTPS: "443",
    KUBERNETES_PORT: "tcp://10.96.0.1:443",
    KUBERNETES_PORT_443_TCP: "tcp://10.96.0.1:443",
    KUBERNETES_PORT_443_TCP_PROTO: "tcp",
    KUBERNETES_PORT_443_TCP_PORT: "443",
    KUBERNETES_PORT_443_TCP_ADDR: "10.96.0.1",
    WEB_FRONT_SERVICE_HOST: "10.96.4.2",
    WEB_FRONT_SERVICE_PORT: "80",
    WEB_FRONT_SERVICE_PORT_HTTP: "80",
    WEB_FRONT_SERVICE_PORT_DNS_UDP: "53",
    WEB_FRONT_PORT: "tcp://10.96.4.2:80",
    WEB_FRONT_PORT_80_TCP: "tcp://10.96.4.2:80",
    WEB_FRONT_PORT_80_TCP_PROTO: "tcp",
    WEB_FRONT_PORT_80_TCP_PORT: "80",
    WEB_FRONT_PORT_80_TCP_ADDR: "10.96.4.2",
    WEB_FRONT_PORT_53_UDP: "udp://10.96.4.2:53",
    WEB_FRONT_PORT_53_UDP_PROTO: "udp",
    WEB_FRONT_PORT_53_UDP_PORT: "53",
    WEB_FRONT_PORT_53_UDP_ADDR: "10.96.4.2",
  });
});

test("a container's own variable wins, and $(VAR) can name a service variable", async () => {
  const pod: Pod = {
    metadata: { namespace: "shop", name: "p" },
    spec: {
      containers: [
        {
          name: "c",
          env: [
            { name: "WEB_FRONT_SERVICE_HOST", value: "mine" },
            { name: "API", value: "https://$(KUBERNETES_SERVICE_HOST):$(KUBERNETES_SERVICE_PORT)" },
          ],
        },
      ],
    },
  };
  const container = pod.spec?.containers[0] as Container;
  const env = await containerEnv(pod, container, { ...NO_OBJECTS, services: async () => all }, {});
  expect(env.get("WEB_FRONT_SERVICE_HOST")).toBe("mine");
  expect(env.get("API")).toBe("https://10.96.0.1:443");
  expect(env.get("WEB_FRONT_PORT")).toBe("tcp://10.96.4.2:80");
  // enableServiceLinks: false keeps only the API server's.
  const quiet = {
    ...pod,
    spec: { ...pod.spec, containers: pod.spec?.containers ?? [], enableServiceLinks: false },
  };
  const fewer = await containerEnv(quiet, container, { ...NO_OBJECTS, services: async () => all }, {});
  expect(fewer.has("WEB_FRONT_PORT")).toBe(false);
  expect(fewer.get("KUBERNETES_SERVICE_HOST")).toBe("10.96.0.1");
});
