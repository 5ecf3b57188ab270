// The Available condition of an APIService, as kube-aggregator's AvailableConditionController
// words it (v1.32, Endpoints based): Local for local ones; for one backed by a Service, the
// Service, its port, its endpoints, then a discovery GET to an endpoint within five seconds.
import { type EndpointLookups, resolveServiceEndpoint } from "./service-endpoint.ts";

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

export interface AvailabilityLookups extends EndpointLookups {
  /** GETs `url` (TLS per the spec); resolves to the HTTP status and JSON body, rejects on a transport error. */
  discover(url: string, spec: ApiServiceSpec): Promise<{ status: number; body?: unknown }>;
}

/** The condition, and the discovery document the check fetched (an APIResourceList) when it passed. */
export interface Availability {
  condition: AvailableCondition;
  discovery?: unknown;
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
): Promise<Availability> {
  const result = await check(name, spec, lookups);
  return "type" in result ? { condition: result } : result;
}

async function check(
  name: string,
  spec: ApiServiceSpec,
  lookups: AvailabilityLookups,
): Promise<AvailableCondition | Availability> {
  const ref = spec.service;
  if (!ref) return cond("True", "Local", "Local APIServices are always available");
  const resolved = await resolveServiceEndpoint(ref, lookups);
  if ("reason" in resolved) return cond(resolved.status, resolved.reason, resolved.message);
  const target = resolved.target;
  if (!target) return cond("True", "Passed", "all checks passed");
  const host = target.ip.includes(":") ? `[${target.ip}]` : target.ip;
  const path = name === "v1." ? `/api/${spec.version}` : `/apis/${spec.group}/${spec.version}`;
  const url = `https://${host}:${target.port}${path}`;
  try {
    const { status, body } = await lookups.discover(url, spec);
    if (status < 200 || status >= 300)
      return cond(
        "False",
        "FailedDiscoveryCheck",
        `failing or missing response from ${url}: bad status from ${url}: ${status}`,
      );
    return { condition: cond("True", "Passed", "all checks passed"), discovery: body };
  } catch (err) {
    return cond(
      "False",
      "FailedDiscoveryCheck",
      `failing or missing response from ${url}: ${(err as Error).message}`,
    );
  }
}
