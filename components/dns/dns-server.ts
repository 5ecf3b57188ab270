// `kube dns` as a Component (CoreDNS in a kubeadm cluster, run on the host): watches Namespaces,
// Services and EndpointSlices, answers the cluster domain over UDP and TCP, forwards other names
// upstream, and optionally publishes itself as Service kube-system/kube-dns.

import { networkInterfaces } from "node:os";
import type { Endpoints, Namespace, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { ApiClient } from "../../lib/client/api-client.ts";
import { resource } from "../../lib/client/resource-client.ts";
import type { Component } from "../../lib/component.ts";
import { Informer } from "../../lib/informer/informer.ts";
import { ClusterRecords } from "./cluster-records.ts";
import { listenDns } from "./dns-listener.ts";
import { Forwarder, parseUpstream, resolvConfNameservers, type Upstream } from "./forwarder.ts";
import {
  KUBE_DNS_MANAGED_BY,
  KUBE_DNS_NAME,
  KUBE_DNS_NAMESPACE,
  registerKubeDns,
  unregisterKubeDns,
} from "./kube-dns-registration.ts";
import { Responder } from "./responder.ts";

export interface DnsOptions {
  client: ApiClient;
  bindAddress: string;
  /** 0 picks one free for both UDP and TCP. */
  port: number;
  /** The cluster domain, e.g. "cluster.local". */
  clusterDomain: string;
  /** Upstream resolvers, "ip" or "ip:port"; default: the nameservers of `resolvConf`. */
  upstream?: string[];
  /** Default /etc/resolv.conf. */
  resolvConf?: string;
  /** Publish the server as Service kube-system/kube-dns at `clusterIP`, endpoints advertiseAddress:port. */
  service?: { clusterIP: string; advertiseAddress: string };
  /** How long each upstream has to answer before the next is tried, then SERVFAIL (ms); default 2000. */
  forwardTimeoutMs?: number;
  log: (line: string) => void;
}

export interface DnsServer extends Component {
  readonly address: string;
  readonly port: number;
}

/** "Cluster.Local." -> "cluster.local"; throws for what cannot be a domain name. */
function normalizeDomain(domain: string): string {
  const d = domain.toLowerCase().replace(/^\.+|\.+$/g, "");
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(d))
    throw new Error(`invalid cluster domain "${domain}": want a DNS name such as cluster.local`);
  return d;
}

/** Whether `upstream` is this server's own socket (its address, or any local one when bound to all). */
function isSelf(upstream: Upstream, bindAddress: string, port: number): boolean {
  if (upstream.port !== port) return false;
  if (upstream.host === bindAddress) return true;
  if (bindAddress !== "0.0.0.0" && bindAddress !== "::") return false;
  if (upstream.host.startsWith("127.") || upstream.host === "::1") return true;
  return Object.values(networkInterfaces()).some((addresses) =>
    (addresses ?? []).some((a) => a.address === upstream.host),
  );
}

function isOurs(object: Service | EndpointSlice): boolean {
  return object.metadata?.namespace === KUBE_DNS_NAMESPACE && object.metadata?.name === KUBE_DNS_NAME;
}

export async function startDns(options: DnsOptions): Promise<DnsServer> {
  const { client, log } = options;
  const domain = normalizeDomain(options.clusterDomain);
  const configured =
    options.upstream?.map(parseUpstream) ?? resolvConfNameservers(options.resolvConf ?? "/etc/resolv.conf");
  const records = new ClusterRecords(domain);
  let synced = false;
  let responder: Responder | undefined;
  const listener = await listenDns({
    bindAddress: options.bindAddress,
    port: options.port,
    handler: async (message, transport) => responder?.respond(message, transport),
    onError: (error) => log(`dns: ${error.message}`),
  });
  // Forwarding to ourselves would send every outside query round in circles (CoreDNS's loop plugin).
  const upstreams = configured.filter((u) => !isSelf(u, listener.address, listener.port));
  for (const u of configured)
    if (!upstreams.includes(u)) log(`dns: not forwarding to ${u.host}:${u.port}: that is this server`);
  const forwarder = new Forwarder({ upstreams, timeoutMs: options.forwardTimeoutMs ?? 2000 });
  responder = new Responder({ records, forwarder, synced: () => synced });

  let registered = false;
  let stopping = false;
  let reregistering: Promise<void> | undefined;
  const register = async (): Promise<void> => {
    if (!options.service) return;
    await registerKubeDns({ client, ...options.service, port: listener.port });
    registered = true;
  };
  // Someone deleting the kube-dns Service or our slice gets them back, as a controller would.
  const reregister = (): void => {
    if (!registered || stopping || reregistering) return;
    reregistering = register()
      .catch((error: Error) =>
        log(`dns: re-registering ${KUBE_DNS_NAMESPACE}/${KUBE_DNS_NAME}: ${error.message}`),
      )
      .finally(() => {
        reregistering = undefined;
      });
  };

  const services = new Informer<Service>({
    client,
    path: "/api/v1/services",
    log,
    onAdd: (s) => records.setService(s),
    onUpdate: (_old, s) => records.setService(s),
    onDelete: (s) => {
      records.deleteService(s);
      if (isOurs(s)) reregister();
    },
  });
  const slices = new Informer<EndpointSlice>({
    client,
    path: "/apis/discovery.k8s.io/v1/endpointslices",
    log,
    onAdd: (s) => records.setSlice(s),
    onUpdate: (old, s) => {
      records.deleteSlice(old);
      records.setSlice(s);
    },
    onDelete: (s) => {
      records.deleteSlice(s);
      if (isOurs(s) && s.metadata?.labels?.["endpointslice.kubernetes.io/managed-by"] === KUBE_DNS_MANAGED_BY)
        reregister();
    },
  });
  const namespaces = new Informer<Namespace>({
    client,
    path: "/api/v1/namespaces",
    log,
    onAdd: (n) => records.setNamespace(n.metadata?.name ?? ""),
    onDelete: (n) => records.deleteNamespace(n.metadata?.name ?? ""),
  });
  // Our Endpoints only, to put them back when the endpoints controller or a user deletes them.
  const endpoints = new Informer<Endpoints>({
    client,
    path: resource(client, "endpoints").namespace(KUBE_DNS_NAMESPACE).path(),
    fieldSelector: `metadata.name=${KUBE_DNS_NAME}`,
    log,
    onDelete: reregister,
  });
  const informers = [namespaces, services, slices, ...(options.service ? [endpoints] : [])];
  for (const informer of informers) informer.start();

  const done = Promise.withResolvers<void>();
  const ready = (async () => {
    await Promise.all(informers.map((i) => i.synced));
    synced = true;
    await register();
    const where = upstreams.length
      ? upstreams.map((u) => `${u.host}:${u.port}`).join(", ")
      : "nowhere (no upstream resolvers: other names get SERVFAIL)";
    log(
      `serving ${domain} on ${listener.address}:${listener.port} (UDP and TCP); forwarding other names to ${where}`,
    );
    if (options.service)
      log(`registered as ${KUBE_DNS_NAMESPACE}/${KUBE_DNS_NAME} at ${options.service.clusterIP}`);
  })();
  ready.catch(() => {});

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      await Promise.all(informers.map((i) => i.stop()));
      await reregistering;
      if (registered) {
        // Best effort and bounded: the apiserver may already be gone.
        const timeout = new Promise<void>((resolve) => setTimeout(resolve, 2000).unref());
        await Promise.race([
          unregisterKubeDns(client).catch((error: Error) => log(`dns: unregistering: ${error.message}`)),
          timeout,
        ]);
      }
      await listener.close();
      done.resolve();
    })();
    return stopped;
  };

  return { name: "dns", address: listener.address, port: listener.port, ready, done: done.promise, stop };
}
