// etcd endpoints as users write them (--etcd-servers, --endpoints) to a grpc-js channel target,
// and whether the channel speaks TLS: https:// endpoints do, http:// ones do not, and plain
// host:port ones do when TLS files were given (as clientv3 chooses by scheme).

/** One endpoint to `host:port` (or grpc-js's `unix:path`). Plain `host:port` passes through. */
export function endpointAddress(endpoint: string): string {
  if (endpoint.startsWith("unix:")) return endpoint.replace(/^unix:(\/\/)?/, "unix:");
  if (!endpoint.includes("://")) return endpoint;
  const url = new URL(endpoint);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`etcd client: ${endpoint}: only http://, https:// and unix:// endpoints are supported`);
  }
  return `${url.hostname}:${url.port || "2379"}`;
}

/**
 * Whether the channel to these endpoints uses TLS. One channel has one transport, so mixing
 * http:// and https:// endpoints is an error.
 */
export function endpointsUseTls(endpoints: string[], tlsGiven: boolean): boolean {
  const schemes = new Set(
    endpoints.map((e) => (e.startsWith("https://") ? "https" : e.startsWith("http://") ? "http" : "plain")),
  );
  if (schemes.has("https") && schemes.has("http")) {
    throw new Error(
      `etcd client: ${endpoints.join(",")}: mix http:// and https:// endpoints; use one scheme`,
    );
  }
  if (schemes.has("https")) return true;
  if (schemes.has("http")) return false;
  return tlsGiven && !endpoints.every((e) => e.startsWith("unix:"));
}

/** The hosts of the endpoints (brackets of IPv6 literals removed), for checking the server's certificate. */
export function endpointHosts(endpoints: string[]): string[] {
  return endpoints
    .filter((e) => !e.startsWith("unix:"))
    .map((e) => new URL(e.includes("://") ? e : `tcp://${e}`).hostname.replace(/^\[(.*)\]$/, "$1"));
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
