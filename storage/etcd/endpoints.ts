// etcd endpoints as users write them (--etcd-servers, --endpoints) to a grpc-js channel target.

/** One endpoint to `host:port` (or grpc-js's `unix:path`). Plain `host:port` passes through. */
export function endpointAddress(endpoint: string): string {
  if (endpoint.startsWith("unix:")) return endpoint.replace(/^unix:(\/\/)?/, "unix:");
  if (!endpoint.includes("://")) return endpoint;
  const url = new URL(endpoint);
  if (url.protocol !== "http:") {
    throw new Error(`etcd client: ${endpoint}: only http:// endpoints are supported (no TLS yet)`);
  }
  return `${url.hostname}:${url.port || "2379"}`;
}

/**
 * The channel target: one address, or, when every endpoint is an IPv4 address, all of them so
 * grpc-js fails over between them (pick-first). Otherwise the first endpoint is used.
 */
export function grpcTarget(endpoints: string[]): string {
  const addresses = endpoints.map(endpointAddress);
  const first = addresses[0];
  if (first === undefined) throw new Error("etcd client: no endpoints given");
  if (addresses.length > 1 && addresses.every((a) => /^\d+\.\d+\.\d+\.\d+:\d+$/.test(a))) {
    return `ipv4:${addresses.join(",")}`;
  }
  return first;
}
