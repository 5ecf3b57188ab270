// The pod and node subresources the kubelet serves, proxied by the apiserver as upstream does
// (pkg/registry/core/pod/rest/log.go, subresources.go; node/rest/proxy.go): pods/log streamed
// through unbuffered; exec, attach and portforward as websocket relays or SPDY/3.1 upgrades
// spliced to the kubelet's (http/upgrade-relay.ts); pods/proxy and
// nodes/proxy and services/proxy as plain HTTP proxies to the pod IP, the kubelet or an endpoint.
import { StatusError } from "../../../lib/errors/status-error.ts";
import { statusResponse } from "../../../lib/errors/status-response.ts";
import type { ResourceRequest } from "../api-context.ts";
import {
  type BackendAnswer,
  dialUpgrade,
  responseOf,
  withoutBearerProtocol,
  writeResponse,
} from "../http/upgrade-relay.ts";
import { dialRelay, type RelaySocketData } from "../http/websocket-relay.ts";
import { kubeletFetch, kubeletTls, kubeletWebSocket } from "./kubelet-client.ts";
import { backendError, dialText } from "./kubelet-dial-error.ts";
import { getPod, kubeletBase, nodeOf, noHost, validateContainer } from "./kubelet-location.ts";

/** Subprotocol names a WHATWG WebSocket client cannot offer ("/" is not a token character), and the kubelet's alias. */
const BACKEND_PROTOCOL: Record<string, string> = {
  "SPDY/3.1+portforward.k8s.io": "spdy-3.1.portforward.k8s.io",
};

const LOG_PARAMS = [
  "follow",
  "previous",
  "sinceSeconds",
  "sinceTime",
  "timestamps",
  "tailLines",
  "limitBytes",
];
const HOP_BY_HOP = ["connection", "keep-alive", "transfer-encoding", "upgrade", "host", "content-length"];

function isWebSocket(req: Request): boolean {
  return (req.headers.get("upgrade") ?? "").toLowerCase() === "websocket";
}

function isSpdy(req: Request): boolean {
  return (req.headers.get("upgrade") ?? "").toLowerCase().includes("spdy/3.1");
}

/**
 * An upgrade (SPDY/3.1, or a websocket on the secure port) as upstream's UpgradeAwareHandler: the
 * client's connection is taken over first (nothing reaches the kubelet twice), the same request
 * goes to the kubelet on its own connection, a refusal is passed back, and after the kubelet's
 * 101 the two connections are spliced byte for byte, with TCP's backpressure both ways.
 * Undefined: a websocket whose connection cannot be taken over (the caller relays messages).
 */
async function upgradeRelay(r: ResourceRequest, target: string): Promise<Response | undefined> {
  const raw = r.ctx.takeOver?.(r.req);
  const taken = () => new Response(null, { status: 204 }); // dropped by the front
  if (!raw) {
    if (isWebSocket(r.req)) return undefined;
    // SPDY without a front: the kubelet starts nothing before the client's streams, so ask it,
    // to pass its refusal back; if it would accept, say what is needed.
    let answer: BackendAnswer;
    try {
      answer = await dialUpgrade(target, r.req, kubeletTls(r.ctx));
    } catch (err) {
      throw backendError(err, target);
    }
    if (answer.status !== 101) return responseOf(answer);
    answer.close();
    throw StatusError.badRequest(
      `${r.info.subresource} over SPDY/3.1 needs the apiserver's secure port (its TLS front hands the connection over); use a websocket (v5.channel.k8s.io, v4.channel.k8s.io or SPDY/3.1+portforward.k8s.io) on this port`,
    );
  }
  let answer: BackendAnswer;
  try {
    answer = await dialUpgrade(target, r.req, kubeletTls(r.ctx));
  } catch (err) {
    await writeResponse(raw, statusResponse(backendError(err, target)));
    return taken();
  }
  if (answer.status !== 101) {
    await writeResponse(raw, await responseOf(answer));
    return taken();
  }
  answer.splice(raw);
  return taken();
}

/** Passes a response through, dropping headers that belong to the hop, not the content. */
function passThrough(res: Response): Response {
  const headers = new Headers(res.headers);
  for (const h of HOP_BY_HOP) headers.delete(h);
  // fetch already decoded any gzip; the length and encoding no longer hold.
  headers.delete("content-encoding");
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

async function podLog(r: ResourceRequest): Promise<Response> {
  const { info, url } = r;
  const pod = await getPod(r.ctx, info.namespace, info.name);
  const container = validateContainer(pod, url.searchParams.get("container"));
  const node = nodeOf(pod);
  // Upstream answers an unscheduled pod's log with an empty body (LogLocation returns no location).
  if (!node) return new Response("", { headers: { "Content-Type": "text/plain" } });
  const query = new URLSearchParams();
  for (const p of LOG_PARAMS) for (const v of url.searchParams.getAll(p)) query.append(p, v);
  const target = `${await kubeletBase(r.ctx, node)}/containerLogs/${encodeURIComponent(info.namespace)}/${encodeURIComponent(info.name)}/${encodeURIComponent(container)}${query.size ? `?${query}` : ""}`;
  let res: Response;
  try {
    res = await kubeletFetch(r.ctx, target, { signal: r.req.signal });
  } catch (err) {
    const dial = dialText(target, err);
    if (dial) throw StatusError.of(500, "", `Get "${target}": ${dial}`);
    throw backendError(err);
  }
  return passThrough(res);
}

/** exec, attach, portforward: relay the websocket to the kubelet's endpoint. */
async function streamRelay(r: ResourceRequest): Promise<Response> {
  const { info, url, req } = r;
  const pod = await getPod(r.ctx, info.namespace, info.name);
  const query = new URLSearchParams(url.search);
  let path: string;
  const ns = encodeURIComponent(info.namespace);
  const name = encodeURIComponent(info.name);
  if (info.subresource === "portforward") {
    path = `/portForward/${ns}/${name}`;
    // PodPortForwardOptions' `ports` reach the kubelet as `port` (upstream's streamLocation).
    for (const p of query.getAll("ports")) query.append("port", p);
    query.delete("ports");
  } else {
    const container = validateContainer(pod, url.searchParams.get("container"));
    query.delete("container");
    path = `/${info.subresource}/${ns}/${name}/${encodeURIComponent(container)}`;
  }
  const node = nodeOf(pod);
  if (!node) throw noHost(pod);
  const base = await kubeletBase(r.ctx, node);
  const qs = query.toString();
  const target = `${base}${path}${qs ? `?${qs}` : ""}`;
  if (isSpdy(req)) return (await upgradeRelay(r, target)) as Response;
  if (isWebSocket(req) && r.ctx.takeOver) {
    const spliced = await upgradeRelay(r, target.replace(/^http/, "ws"));
    if (spliced) return spliced;
  }
  if (!isWebSocket(req)) {
    // kubectl's SPDY retry after a refused websocket: it prints this answer, so say why the
    // kubelet refuses if it does, else that only websockets are served.
    throw (
      (await kubeletRefusal(r, target)) ??
      StatusError.badRequest(
        `${info.subresource} needs an upgrade: a websocket (v5.channel.k8s.io, v4.channel.k8s.io or SPDY/3.1+portforward.k8s.io) or SPDY/3.1`,
      )
    );
  }
  const upgrade = r.ctx.upgrade;
  if (!upgrade) {
    throw StatusError.of(
      503,
      "ServiceUnavailable",
      `${info.subresource} needs the apiserver's HTTP server (websocket upgrade); the in-process handler cannot upgrade`,
    );
  }
  const offered = withoutBearerProtocol(req.headers.get("sec-websocket-protocol") ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  let data: RelaySocketData;
  try {
    const protocols = offered.map((p) => BACKEND_PROTOCOL[p] ?? p);
    data = await dialRelay(kubeletWebSocket(r.ctx, target.replace(/^http/, "ws"), protocols));
  } catch (err) {
    throw (await kubeletRefusal(r, target)) ?? backendError(err);
  }
  // Echo the client's own spelling of the protocol the kubelet chose.
  data.protocol = offered.find((p) => (BACKEND_PROTOCOL[p] ?? p) === data.protocol) ?? data.protocol;
  if (!upgrade(req, data)) {
    data.backend.close();
    throw StatusError.badRequest("the websocket upgrade failed");
  }
  return new Response(null, { status: 101 });
}

/**
 * Why the kubelet refuses this stream, if it does. The websocket client does not show a refused
 * handshake's answer, so ask again without the upgrade: the kubelet checks the pod and container
 * before it looks at the upgrade, and starts nothing for a plain request.
 */
async function kubeletRefusal(r: ResourceRequest, target: string): Promise<StatusError | undefined> {
  try {
    const res = await kubeletFetch(r.ctx, target, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { kind?: string; message?: string; reason?: string };
    if (
      res.status >= 400 &&
      body.kind === "Status" &&
      body.message &&
      !body.message.includes("websocket upgrade")
    ) {
      return StatusError.of(res.status, body.reason ?? "BadRequest", body.message);
    }
  } catch (err) {
    // A dial failure is the answer (the websocket client does not say why it failed); else the caller reports its own error.
    if (dialText(target, err)) return backendError(err, target);
  }
  return undefined;
}

/** `[scheme:]name[:port]` of a proxy URL (upstream's net.SplitSchemeNamePort). */
function splitName(raw: string): { scheme: string; name: string; port: string } {
  const parts = raw.split(":");
  if (parts.length === 3)
    return { scheme: parts[0] as string, name: parts[1] as string, port: parts[2] as string };
  if (parts.length === 2) return { scheme: "http", name: parts[0] as string, port: parts[1] as string };
  return { scheme: "http", name: raw, port: "" };
}

interface EndpointsObject {
  subsets?: Array<{ addresses?: Array<{ ip: string }>; ports?: Array<{ name?: string; port: number }> }>;
}

/**
 * services/proxy goes to one ready endpoint of the named (or numbered) service port, as upstream's
 * service REST ResourceLocation does, not to the ClusterIP: the apiserver need not be on the
 * pod network's data path.
 */
async function serviceEndpoint(r: ResourceRequest, name: string, port: string): Promise<string> {
  const { namespace } = r.info;
  const services = r.ctx.registry.lookup("", "v1", "services");
  const endpoints = r.ctx.registry.lookup("", "v1", "endpoints");
  if (!services || !endpoints) throw StatusError.notFoundPath();
  const svc = await services.store.get(namespace, name);
  const ports = (svc.spec as { ports?: Array<{ name?: string; port: number }> } | undefined)?.ports ?? [];
  let portName = port;
  if (/^\d+$/.test(port)) portName = ports.find((p) => String(p.port) === port)?.name ?? "";
  else if (!port && ports.length === 1) portName = ports[0]?.name ?? "";
  const eps = (await endpoints.store.get(namespace, name).catch(() => undefined)) as
    | EndpointsObject
    | undefined;
  const candidates: string[] = [];
  for (const subset of eps?.subsets ?? []) {
    const match = (subset.ports ?? []).find((p) => (p.name ?? "") === portName);
    if (!match) continue;
    for (const address of subset.addresses ?? []) {
      const ip = address.ip.includes(":") ? `[${address.ip}]` : address.ip;
      candidates.push(`${ip}:${match.port}`);
    }
  }
  const chosen = candidates[Math.floor(Math.random() * candidates.length)];
  if (!chosen)
    throw StatusError.of(503, "ServiceUnavailable", `no endpoints available for service "${name}"`);
  return chosen;
}

async function proxy(r: ResourceRequest): Promise<Response> {
  const { info, url, req } = r;
  const { scheme, name, port } = splitName(info.name);
  let base: string;
  const toKubelet = info.resource === "nodes";
  if (toKubelet) {
    base = await kubeletBase(r.ctx, name);
    if (port) base = base.replace(/:\d+$/, `:${port}`);
  } else if (info.resource === "services") {
    base = `${scheme === "https" ? "https" : "http"}://${await serviceEndpoint(r, name, port)}`;
  } else {
    const pod = await getPod(r.ctx, info.namespace, name);
    const ip = (pod.status as { podIP?: string } | undefined)?.podIP;
    if (!ip) throw StatusError.of(503, "ServiceUnavailable", `address not allowed`);
    base = `${scheme === "https" ? "https" : "http"}://${ip.includes(":") ? `[${ip}]` : ip}${port ? `:${port}` : ""}`;
  }
  const rest = info.rest.map(encodeURIComponent).join("/");
  const target = `${base}/${rest}${url.pathname.endsWith("/") && rest ? "/" : ""}${url.search}`;
  const headers = new Headers(req.headers);
  for (const h of HOP_BY_HOP) headers.delete(h);
  let res: Response;
  try {
    // Only the kubelet gets the apiserver's client certificate; pods and services never see it.
    const send = (url: string, init: RequestInit) =>
      toKubelet ? kubeletFetch(r.ctx, url, init) : fetch(url, init);
    res = await send(target, {
      method: req.method,
      headers,
      ...(req.method === "GET" || req.method === "HEAD" ? {} : { body: await req.arrayBuffer() }),
      redirect: "manual",
      signal: req.signal,
    });
  } catch (err) {
    throw backendError(err);
  }
  return passThrough(res);
}

/** Serves pods/{log,exec,attach,portforward,proxy}, nodes/proxy and services/proxy. */
export async function kubeletSubresource(r: ResourceRequest): Promise<Response> {
  const { resource, subresource, verb } = r.info;
  if (subresource === "proxy") return proxy(r);
  if (resource === "pods" && subresource === "log" && verb === "get") return podLog(r);
  if (
    resource === "pods" &&
    ["exec", "attach", "portforward"].includes(subresource) &&
    (verb === "get" || verb === "create")
  ) {
    return streamRelay(r);
  }
  throw StatusError.methodNotAllowed();
}
