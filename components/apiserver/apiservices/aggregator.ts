// Requests for a group/version that an APIService hands to a Service go to one of its endpoints
// over HTTPS (caBundle or insecureSkipTLSVerify), with the caller's identity in X-Remote-User,
// X-Remote-Group and X-Remote-Extra-* as upstream's proxy sets them; its discovery document
// joins kube's. Upstream: kube-aggregator pkg/apiserver/handler_proxy.go. Without the front-proxy
// client certificate (--proxy-client-cert-file) the backend cannot verify those headers.
import type { ResourceInfo } from "../../../lib/api/resources.ts";
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { UserInfo } from "../authn/user-info.ts";
import type { ApiServiceSpec } from "./availability.ts";
import { remoteResources } from "./remote-resources.ts";
import { type EndpointLookups, resolveServiceEndpoint } from "./service-endpoint.ts";

interface Remote {
  spec: ApiServiceSpec;
  available: boolean;
  resources: ResourceInfo[];
}

/** Headers a client sends that must not reach the backend as if the apiserver vouched for them. */
const DROPPED = ["authorization", "cookie", "host", "connection"];

export class Aggregator {
  private readonly remotes = new Map<string, Remote>();

  constructor(private readonly lookups: EndpointLookups) {}

  /** What the availability pass learned about the Service-backed APIService `<version>.<group>`. */
  set(spec: ApiServiceSpec, available: boolean, discovery: unknown): void {
    const key = `${spec.group ?? ""}/${spec.version ?? ""}`;
    const before = this.remotes.get(key);
    const resources =
      discovery !== undefined ? remoteResources(spec.group ?? "", spec.version ?? "", discovery) : undefined;
    this.remotes.set(key, { spec, available, resources: resources ?? before?.resources ?? [] });
  }

  /** Keep only these group/versions (APIServices deleted or made local are forgotten). */
  retain(keys: Set<string>): void {
    for (const key of this.remotes.keys()) if (!keys.has(key)) this.remotes.delete(key);
  }

  /** The resources of every available Service-backed group/version, for discovery. */
  resources(): ResourceInfo[] {
    return [...this.remotes.values()].filter((r) => r.available).flatMap((r) => r.resources);
  }

  /** The backend's response for a request under a Service-backed group/version, else undefined. */
  async proxy(req: Request, url: URL, user: UserInfo | undefined): Promise<Response | undefined> {
    const m = /^\/apis\/([^/]+)\/([^/]+)(?:\/|$)/.exec(url.pathname);
    const remote = m ? this.remotes.get(`${m[1]}/${m[2]}`) : undefined;
    if (!remote?.spec.service) return undefined;
    const resolved = await resolveServiceEndpoint(remote.spec.service, this.lookups);
    const target = "target" in resolved ? resolved.target : undefined;
    if (!target) throw StatusError.of(503, "ServiceUnavailable", "service unavailable");
    const headers = new Headers(req.headers);
    for (const h of DROPPED) headers.delete(h);
    for (const h of [...headers.keys()])
      if (h.startsWith("x-remote-") || h.startsWith("impersonate-")) headers.delete(h);
    if (user) {
      headers.set("X-Remote-User", user.username);
      for (const g of user.groups) headers.append("X-Remote-Group", g);
      for (const [k, vs] of Object.entries(user.extra ?? {}))
        for (const v of vs) headers.append(`X-Remote-Extra-${encodeURIComponent(k)}`, v);
    }
    const host = target.ip.includes(":") ? `[${target.ip}]` : target.ip;
    const ca = remote.spec.caBundle
      ? Buffer.from(remote.spec.caBundle, "base64").toString("utf8")
      : undefined;
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    try {
      const res = await fetch(`https://${host}:${target.port}${url.pathname}${url.search}`, {
        method: req.method,
        headers,
        ...(hasBody ? { body: await req.arrayBuffer() } : {}),
        redirect: "manual",
        tls: { rejectUnauthorized: remote.spec.insecureSkipTLSVerify !== true, ...(ca ? { ca } : {}) },
      });
      // fetch already decoded the body: its length and encoding headers no longer hold.
      const out = new Headers(res.headers);
      out.delete("content-encoding");
      out.delete("content-length");
      return new Response(res.body, { status: res.status, headers: out });
    } catch (err) {
      throw StatusError.of(
        503,
        "ServiceUnavailable",
        `error trying to reach service: ${(err as Error).message}`,
      );
    }
  }
}
