// `kube proxy` (upstream cmd/kube-proxy, pkg/proxy): watches Services and EndpointSlices and
// keeps one data path — nftables when `nft` works, else userspace — in step with them: a full
// sync after every batch of changes and every syncPeriodMs, retried with back-off on failure.

import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { ApiClient } from "../../lib/client/api-client.ts";
import type { Component } from "../../lib/component.ts";
import { Informer } from "../../lib/informer/informer.ts";
import { NftablesProxier, nftablesUnavailable } from "./nftables-proxier.ts";
import type { Proxier, ProxyMode } from "./proxier.ts";
import { servicePorts } from "./service-ports.ts";
import { UserspaceProxier } from "./userspace-proxier.ts";

export interface ProxyOptions {
  client: ApiClient;
  /** This node's name: externalTrafficPolicy Local keeps the endpoints on it. */
  nodeName: string;
  mode: "auto" | ProxyMode;
  /** nftables table (family ip); default "kube-proxy". */
  tableName?: string;
  /** Userspace mode's dummy interface; default "kube-proxy0". */
  interfaceName?: string;
  log: (line: string) => void;
  /** Full resync interval (upstream --sync-period); default 30 s. */
  syncPeriodMs?: number;
  /** The cluster IP range: unallocated cluster IPs are rejected instead of routed out. */
  serviceClusterIPRange?: string;
  /** Node port addresses (upstream --nodeport-addresses, as IPs); default every local address. */
  nodePortAddresses?: string[];
  /** A data path to use instead of choosing one by `mode` (tests). */
  proxier?: Proxier;
}

export interface Proxy extends Component {
  readonly mode: ProxyMode;
}

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 30_000;

async function chooseProxier(options: ProxyOptions): Promise<{ proxier: Proxier; why: string }> {
  const nftables = () =>
    new NftablesProxier({
      table: options.tableName ?? "kube-proxy",
      serviceCIDR: options.serviceClusterIPRange,
      nodePortAddresses: options.nodePortAddresses,
    });
  const userspace = () =>
    new UserspaceProxier({
      interfaceName: options.interfaceName ?? "kube-proxy0",
      serviceCIDR: options.serviceClusterIPRange,
      nodePortAddresses: options.nodePortAddresses,
      log: options.log,
    });
  if (options.mode === "userspace") return { proxier: userspace(), why: "--proxy-mode userspace" };
  const problem = await nftablesUnavailable();
  if (options.mode === "nftables") {
    if (problem) throw new Error(`--proxy-mode nftables: nft does not work here: ${problem}`);
    return { proxier: nftables(), why: "--proxy-mode nftables" };
  }
  return problem
    ? { proxier: userspace(), why: `nft unavailable: ${problem}` }
    : { proxier: nftables(), why: "nft works" };
}

export async function startProxy(options: ProxyOptions): Promise<Proxy> {
  const { client, log } = options;
  const { proxier, why } = options.proxier
    ? { proxier: options.proxier, why: "given" }
    : await chooseProxier(options);
  log(`using ${proxier.mode} mode (${proxier.describe}; ${why})`);
  const services = new Informer<Service>({ client, path: "/api/v1/services", log });
  const slices = new Informer<EndpointSlice>({
    client,
    path: "/apis/discovery.k8s.io/v1/endpointslices",
    log,
  });
  const stopping = new AbortController();
  let wake = Promise.withResolvers<void>();
  let dirty = true;
  const changed = (): void => {
    dirty = true;
    wake.resolve();
  };
  for (const informer of [services, slices] as Informer<Service | EndpointSlice>[])
    informer.addHandlers({ onAdd: changed, onUpdate: changed, onDelete: changed });
  stopping.signal.addEventListener("abort", () => wake.resolve());
  services.start();
  slices.start();

  const ready = Promise.withResolvers<void>();
  const period = options.syncPeriodMs ?? 30_000;
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake.promise.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });

  const loop = async (): Promise<void> => {
    const aborted = new Promise<void>((resolve) =>
      stopping.signal.addEventListener("abort", () => resolve()),
    );
    await Promise.race([Promise.all([services.synced, slices.synced]), aborted]);
    let backoff = 0;
    let lastError = "";
    let first = true;
    while (!stopping.signal.aborted) {
      // Changes that arrive while a sync runs set `dirty` again and wake the next round.
      wake = Promise.withResolvers<void>();
      dirty = false;
      const started = performance.now();
      try {
        const ports = servicePorts(services.list(), slices.list(), options.nodeName);
        await proxier.sync(ports);
        if (lastError) log(`sync recovered after: ${lastError}`);
        lastError = "";
        backoff = 0;
        if (first)
          log(`first sync: ${ports.length} service ports in ${(performance.now() - started).toFixed(0)} ms`);
        first = false;
        ready.resolve();
      } catch (error) {
        const line = ((error as Error).message ?? String(error)).split("\n")[0] ?? "";
        backoff = Math.min(BACKOFF_MAX_MS, backoff ? backoff * 2 : BACKOFF_MIN_MS);
        if (line !== lastError) log(`sync failed (retrying in ${backoff} ms): ${line}`);
        lastError = line;
        dirty = true;
      }
      if (stopping.signal.aborted) break;
      if (backoff) {
        // A failed sync waits out its back-off even when changes arrive meanwhile.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, backoff);
          stopping.signal.addEventListener("abort", () => {
            clearTimeout(timer);
            resolve();
          });
        });
      } else if (!dirty) await sleep(period);
    }
  };
  const running = loop();
  running.catch(() => {});

  let stopped: Promise<void> | undefined;
  const done = Promise.withResolvers<void>();
  return {
    name: "proxy",
    mode: proxier.mode,
    ready: ready.promise,
    done: done.promise,
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        await Promise.all([services.stop(), slices.stop()]);
        await running;
        await proxier.cleanup();
        log(`stopped, ${proxier.describe} removed`);
        done.resolve();
      })();
      return stopped;
    },
  };
}
