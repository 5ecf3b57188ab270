// Service environment variables, as upstream's kubelet sets them (pkg/kubelet/envvars/envvars.go
// FromServices, kubelet_pods.go getServiceEnvVarMap): for every service with a ClusterIP in the
// pod's namespace (when enableServiceLinks) and always for default/kubernetes,
// <NAME>_SERVICE_HOST/_PORT/_PORT_<PORTNAME> and the Docker-link style <NAME>_PORT_<n>_<PROTO>....

import type { Service } from "kubernetes-types/core/v1";

/** Services whose names are the API server's: their variables reach every pod. */
const MASTER_SERVICES = new Set(["kubernetes"]);

function envName(name: string): string {
  return name.replaceAll("-", "_").toUpperCase();
}

function hasClusterIP(service: Service): boolean {
  const ip = service.spec?.clusterIP;
  return ip !== undefined && ip !== "" && ip !== "None";
}

/** The services a pod in `namespace` sees, by name (a namespace's own shadows default/kubernetes). */
export function servicesForPod(
  services: Service[],
  namespace: string,
  enableServiceLinks: boolean,
): Service[] {
  const byName = new Map<string, Service>();
  for (const service of services) {
    if (!hasClusterIP(service)) continue;
    const name = service.metadata?.name ?? "";
    const ns = service.metadata?.namespace ?? "default";
    if (ns === "default" && MASTER_SERVICES.has(name)) {
      if (!byName.has(name)) byName.set(name, service);
    } else if (ns === namespace && enableServiceLinks) {
      byName.set(name, service);
    }
  }
  return [...byName.values()];
}

/** The variables for these services, in upstream's order. */
export function serviceEnv(services: Service[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const service of services) {
    const ip = service.spec?.clusterIP ?? "";
    const ports = service.spec?.ports ?? [];
    const prefix = envName(service.metadata?.name ?? "");
    env.set(`${prefix}_SERVICE_HOST`, ip);
    if (ports[0]) env.set(`${prefix}_SERVICE_PORT`, String(ports[0].port));
    for (const port of ports)
      if (port.name) env.set(`${prefix}_SERVICE_PORT_${envName(port.name)}`, String(port.port));
    const host = ip.includes(":") ? `[${ip}]` : ip;
    ports.forEach((port, i) => {
      const protocol = port.protocol ?? "TCP";
      const url = `${protocol.toLowerCase()}://${host}:${port.port}`;
      // Docker special-cases the first port.
      if (i === 0) env.set(`${prefix}_PORT`, url);
      const portPrefix = `${prefix}_PORT_${port.port}_${protocol.toUpperCase()}`;
      env.set(portPrefix, url);
      env.set(`${portPrefix}_PROTO`, protocol.toLowerCase());
      env.set(`${portPrefix}_PORT`, String(port.port));
      env.set(`${portPrefix}_ADDR`, ip);
    });
  }
  return env;
}
