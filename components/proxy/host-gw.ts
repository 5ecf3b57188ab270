// Pods across hosts, as flannel's host-gw backend does it (flannel backend/hostgw): every other
// Node's spec.podCIDR is routed via that Node's InternalIP, so a pod on one host reaches pods
// on the others without encapsulation or NAT. The routes carry their own protocol number, so
// kube finds (and removes) exactly the routes it made; a Node that goes takes its route along.

import type { Node } from "kubernetes-types/core/v1";
import type { ApiClient } from "../../lib/client/api-client.ts";
import type { Component } from "../../lib/component.ts";
import { Informer } from "../../lib/informer/informer.ts";
import { requireCidr } from "../../lib/net/ipv4.ts";
import { runHostCommand } from "./host-command.ts";

/** `proto` of kube's routes (any number outside the kernel's and routing daemons' own). */
export const HOST_GW_PROTO = "107";

export interface HostGwOptions {
  client: ApiClient;
  /** This node: its own pod CIDR is on its bridge, not routed. */
  nodeName: string;
  log: (line: string) => void;
  /** Runs `ip` (tests record instead). */
  run?: (argv: string[]) => Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

/** The routes this node wants: other nodes' pod CIDR → their InternalIP. */
export function hostGwRoutes(nodes: Node[], self: string): Map<string, string> {
  const routes = new Map<string, string>();
  const own = nodes.find((n) => n.metadata?.name === self);
  const ownIP = own?.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
  for (const node of nodes) {
    if (node.metadata?.name === self) continue;
    const via = node.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
    for (const cidr of node.spec?.podCIDRs ?? (node.spec?.podCIDR ? [node.spec.podCIDR] : [])) {
      if (!via || via === ownIP || cidr.includes(":")) continue;
      try {
        const prefix = requireCidr(cidr);
        routes.set(`${cidr.split("/")[0]}/${prefix.bits}`, via);
      } catch {
        // A malformed podCIDR is the allocator's problem; nothing to route.
      }
    }
  }
  return routes;
}

/** What of a Node decides its route: its pod CIDRs and its InternalIP. */
function routeFacts(node: Node): string {
  const ip = node.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "";
  return `${(node.spec?.podCIDRs ?? [node.spec?.podCIDR ?? ""]).join(",")} via ${ip}`;
}

interface IpRoute {
  dst: string;
  gateway?: string;
}

export async function startHostGw(options: HostGwOptions): Promise<Component> {
  const { client, log } = options;
  const run = options.run ?? runHostCommand;
  const nodes = new Informer<Node>({ client, path: "/api/v1/nodes", log });
  const stopping = new AbortController();
  let wake = Promise.withResolvers<void>();
  // Nodes post status every few seconds: only a change of pod CIDR or address wakes a sync.
  nodes.addHandlers({
    onAdd: () => wake.resolve(),
    onUpdate: (before, after) => {
      if (routeFacts(before) !== routeFacts(after)) wake.resolve();
    },
    onDelete: () => wake.resolve(),
  });
  stopping.signal.addEventListener("abort", () => wake.resolve());
  nodes.start();
  const ready = Promise.withResolvers<void>();
  /** What failed last per route, so a route that keeps failing is logged once. */
  const failing = new Map<string, string>();

  const current = async (): Promise<Map<string, string>> => {
    const out = await run(["ip", "-j", "-4", "route", "show", "proto", HOST_GW_PROTO]);
    if (out.exitCode !== 0) throw new Error(`ip route show: ${out.stderr.trim()}`);
    const routes = new Map<string, string>();
    for (const route of JSON.parse(out.stdout || "[]") as IpRoute[])
      routes.set(route.dst.includes("/") ? route.dst : `${route.dst}/32`, route.gateway ?? "");
    return routes;
  };

  const sync = async (): Promise<void> => {
    const want = hostGwRoutes(nodes.list(), options.nodeName);
    const have = await current();
    for (const [cidr, via] of want) {
      if (have.get(cidr) === via) continue;
      const out = await run(["ip", "route", "replace", cidr, "via", via, "proto", HOST_GW_PROTO]);
      if (out.exitCode === 0) {
        failing.delete(cidr);
        log(`host-gw: pods of ${cidr} via ${via}`);
      } else {
        // flannel's host-gw needs the nodes on one link: say so once, retry on the next change.
        const why = out.stderr.trim();
        if (failing.get(cidr) !== why)
          log(`host-gw: cannot route ${cidr} via ${via} (${why}): host-gw needs the nodes on one network`);
        failing.set(cidr, why);
      }
    }
    for (const cidr of have.keys()) {
      if (want.has(cidr)) continue;
      await run(["ip", "route", "del", cidr, "proto", HOST_GW_PROTO]);
      log(`host-gw: route to ${cidr} removed (its node is gone or moved)`);
    }
  };

  const loop = async (): Promise<void> => {
    await Promise.race([
      nodes.synced,
      new Promise<void>((resolve) => stopping.signal.addEventListener("abort", () => resolve())),
    ]);
    while (!stopping.signal.aborted) {
      wake = Promise.withResolvers<void>();
      try {
        await sync();
        ready.resolve();
      } catch (error) {
        log(`host-gw: sync failed: ${(error as Error).message}`);
      }
      // Re-check every 30 s too: someone may have deleted a route by hand.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        wake.promise,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, 30_000))),
      ]);
      clearTimeout(timer);
    }
  };
  const running = loop();
  const done = Promise.withResolvers<void>();
  let stopped: Promise<void> | undefined;
  return {
    name: "host-gw",
    ready: ready.promise,
    done: done.promise,
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        await nodes.stop();
        await running;
        // Leave no route behind that points at pods this host no longer tracks.
        for (const cidr of (await current().catch(() => new Map<string, string>())).keys())
          await run(["ip", "route", "del", cidr, "proto", HOST_GW_PROTO]);
        done.resolve();
      })();
      return stopped;
    },
  };
}
