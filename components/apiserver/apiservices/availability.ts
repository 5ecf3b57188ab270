// The Available condition of an APIService, as kube-aggregator's AvailableConditionController
// words it (v1.32, Endpoints based): Local for local ones; for one backed by a Service, the
// Service, its port, its endpoints, then a discovery GET to an endpoint within five seconds.
import type { Endpoints, Service } from "kubernetes-types/core/v1";

export interface AvailableCondition {
  type: "Available";
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
}

export interface ApiServiceSpec {
  group?: string;
  version?: string;
  service?: { namespace?: string; name?: string; port?: number } | null;
  caBundle?: string;
  insecureSkipTLSVerify?: boolean;
}

export interface AvailabilityLookups {
  service(namespace: string, name: string): Promise<Service | undefined>;
  endpoints(namespace: string, name: string): Promise<Endpoints | undefined>;
  /** GETs `url` (TLS per the spec); resolves to the HTTP status, rejects on a transport error. */
  discover(url: string, spec: ApiServiceSpec): Promise<number>;
}

const cond = (status: AvailableCondition["status"], reason: string, message: string): AvailableCondition => ({
  type: "Available",
  status,
  reason,
  message,
});

export async function availability(
  name: string,
  spec: ApiServiceSpec,
  lookups: AvailabilityLookups,
): Promise<AvailableCondition> {
  const ref = spec.service;
  if (!ref) return cond("True", "Local", "Local APIServices are always available");
  const ns = ref.namespace ?? "";
  const svcName = ref.name ?? "";
  const port = ref.port ?? 443;
  const service = await lookups.service(ns, svcName);
  if (!service) return cond("False", "ServiceNotFound", `service/${svcName} in "${ns}" is not present`);
  let target: { ip: string; port: number } | undefined;
  if ((service.spec?.type ?? "ClusterIP") === "ClusterIP") {
    const sp = (service.spec?.ports ?? []).find((p) => p.port === port);
    if (!sp)
      return cond(
        "False",
        "ServicePortError",
        `service/${svcName} in "${ns}" is not listening on port ${port}`,
      );
    const portName = sp.name ?? "";
    const endpoints = await lookups.endpoints(ns, svcName);
    if (!endpoints)
      return cond("False", "EndpointsNotFound", `cannot find endpoints for service/${svcName} in "${ns}"`);
    for (const subset of endpoints.subsets ?? []) {
      const address = subset.addresses?.[0];
      const epPort = (subset.ports ?? []).find((p) => (p.name ?? "") === portName);
      if (address && epPort) {
        target = { ip: address.ip, port: epPort.port };
        break;
      }
    }
    if (!target)
      return cond(
        "False",
        "MissingEndpoints",
        `endpoints for service/${svcName} in "${ns}" have no addresses with port name "${portName}"`,
      );
  }
  if (!target) return cond("True", "Passed", "all checks passed");
  const host = target.ip.includes(":") ? `[${target.ip}]` : target.ip;
  const path = name === "v1." ? `/api/${spec.version}` : `/apis/${spec.group}/${spec.version}`;
  const url = `https://${host}:${target.port}${path}`;
  try {
    const code = await lookups.discover(url, spec);
    if (code < 200 || code >= 300)
      return cond(
        "False",
        "FailedDiscoveryCheck",
        `failing or missing response from ${url}: bad status from ${url}: ${code}`,
      );
  } catch (err) {
    return cond(
      "False",
      "FailedDiscoveryCheck",
      `failing or missing response from ${url}: ${(err as Error).message}`,
    );
  }
  return cond("True", "Passed", "all checks passed");
}
