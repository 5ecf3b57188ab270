// Where an APIService's Service is served: the Service, its port, and the first ready endpoint
// address with that port's name (upstream's endpoint routing, --enable-aggregator-routing), or
// why there is none, worded as the AvailableConditionController does.
import type { Endpoints, Service } from "kubernetes-types/core/v1";

export interface EndpointLookups {
  service(namespace: string, name: string): Promise<Service | undefined>;
  endpoints(namespace: string, name: string): Promise<Endpoints | undefined>;
}

export interface ServiceRef {
  namespace?: string;
  name?: string;
  port?: number;
}

export type ResolvedEndpoint =
  | { target: { ip: string; port: number } | undefined }
  | { status: "False"; reason: string; message: string };

/** `target` undefined: a Service that is not ClusterIP (ExternalName, ...), nothing to check. */
export async function resolveServiceEndpoint(
  ref: ServiceRef,
  lookups: EndpointLookups,
): Promise<ResolvedEndpoint> {
  const ns = ref.namespace ?? "";
  const name = ref.name ?? "";
  const port = ref.port ?? 443;
  const fail = (reason: string, message: string) => ({ status: "False" as const, reason, message });
  const service = await lookups.service(ns, name);
  if (!service) return fail("ServiceNotFound", `service/${name} in "${ns}" is not present`);
  if ((service.spec?.type ?? "ClusterIP") !== "ClusterIP") return { target: undefined };
  const sp = (service.spec?.ports ?? []).find((p) => p.port === port);
  if (!sp) return fail("ServicePortError", `service/${name} in "${ns}" is not listening on port ${port}`);
  const portName = sp.name ?? "";
  const endpoints = await lookups.endpoints(ns, name);
  if (!endpoints) return fail("EndpointsNotFound", `cannot find endpoints for service/${name} in "${ns}"`);
  for (const subset of endpoints.subsets ?? []) {
    const address = subset.addresses?.[0];
    const epPort = (subset.ports ?? []).find((p) => (p.name ?? "") === portName);
    if (address && epPort) return { target: { ip: address.ip, port: epPort.port } };
  }
  return fail(
    "MissingEndpoints",
    `endpoints for service/${name} in "${ns}" have no addresses with port name "${portName}"`,
  );
}
