// Endpoint choice for the userspace data path (upstream pkg/proxy/userspace roundrobin.go):
// round-robin across the endpoints, and with ClientIP affinity the same endpoint for a client
// until it has been idle for the affinity timeout.

import type { ProxyEndpoint } from "./service-ports.ts";

interface Affinity {
  endpoint: ProxyEndpoint;
  lastUsed: number;
}

export class EndpointPicker {
  private endpoints: ProxyEndpoint[] = [];
  private next = 0;
  private affinitySeconds: number | undefined;
  private readonly affinity = new Map<string, Affinity>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Replaces the endpoints; affinities to endpoints that are gone are dropped. */
  update(endpoints: readonly ProxyEndpoint[], affinitySeconds: number | undefined): void {
    this.endpoints = [...endpoints];
    this.affinitySeconds = affinitySeconds;
    const live = new Set(endpoints.map((e) => `${e.ip}:${e.port}`));
    for (const [client, a] of this.affinity)
      if (affinitySeconds === undefined || !live.has(`${a.endpoint.ip}:${a.endpoint.port}`))
        this.affinity.delete(client);
  }

  get size(): number {
    return this.endpoints.length;
  }

  /** The endpoint for a new connection (or datagram flow) from `clientIP`; undefined when none. */
  pick(clientIP: string): ProxyEndpoint | undefined {
    if (this.endpoints.length === 0) return undefined;
    const now = this.now();
    const timeout = this.affinitySeconds;
    if (timeout !== undefined) {
      const held = this.affinity.get(clientIP);
      if (held && now - held.lastUsed < timeout * 1000) {
        held.lastUsed = now;
        return held.endpoint;
      }
    }
    const endpoint = this.endpoints[this.next++ % this.endpoints.length] as ProxyEndpoint;
    if (timeout !== undefined) this.affinity.set(clientIP, { endpoint, lastUsed: now });
    return endpoint;
  }
}
