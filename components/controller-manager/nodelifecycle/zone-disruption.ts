// The node lifecycle controller's zone states and NoExecute tainting rate (upstream
// node_lifecycle_controller.go: ComputeZoneState, handleDisruption, setLimiterInZone; flags
// --node-eviction-rate, --secondary-node-eviction-rate, --unhealthy-zone-threshold,
// --large-cluster-size-threshold): a zone whose nodes mostly went silent is tainted slowly or not at all.

import type { Node } from "kubernetes-types/core/v1";

export type ZoneState = "Normal" | "PartialDisruption" | "FullDisruption";

export interface DisruptionRates {
  /** --node-eviction-rate: NoExecute taints per second in a healthy zone (0.1). */
  evictionRate: number;
  /** --secondary-node-eviction-rate: in a partly disrupted large zone (0.01). */
  secondaryEvictionRate: number;
  /** --unhealthy-zone-threshold: the share of not-Ready nodes that makes a zone disrupted (0.55). */
  unhealthyZoneThreshold: number;
  /** --large-cluster-size-threshold: smaller zones stop tainting when partly disrupted (50). */
  largeClusterSizeThreshold: number;
}

export const DEFAULT_DISRUPTION_RATES: DisruptionRates = {
  evictionRate: 0.1,
  secondaryEvictionRate: 0.01,
  unhealthyZoneThreshold: 0.55,
  largeClusterSizeThreshold: 50,
};

/** Upstream's GetZoneKey: region and zone labels, "" for a node without them. */
export function zoneOf(node: Node): string {
  const labels = node.metadata?.labels ?? {};
  const region = labels["topology.kubernetes.io/region"] ?? "";
  const zone = labels["topology.kubernetes.io/zone"] ?? "";
  return region || zone ? `${region}:\x00:${zone}` : "";
}

/** Upstream ComputeZoneState over the Ready statuses of one zone's nodes. */
export function computeZoneState(readyStatuses: (string | undefined)[], threshold: number): ZoneState {
  let ready = 0;
  let notReady = 0;
  for (const status of readyStatuses) {
    if (status === "True") ready++;
    else notReady++;
  }
  if (ready === 0 && notReady > 0) return "FullDisruption";
  if (notReady > 2 && notReady / (notReady + ready) >= threshold) return "PartialDisruption";
  return "Normal";
}

/** NoExecute taints per second in a zone of `size` nodes in `state` (upstream setLimiterInZone). */
export function zoneTaintRate(state: ZoneState, size: number, rates: DisruptionRates): number {
  if (state === "Normal") return rates.evictionRate;
  if (state === "PartialDisruption")
    return size > rates.largeClusterSizeThreshold ? rates.secondaryEvictionRate : 0;
  return 0;
}

/**
 * client-go's token bucket (flowcontrol.NewTokenBucketRateLimiter, burst 1 as upstream's); at rate 0
 * it never gives one (upstream swaps in NewFakeNeverRateLimiter).
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private qps: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = qps > 0 ? burst : 0;
    this.last = now;
  }

  /** A new rate (the zone's state changed); tokens earned so far are kept. */
  setRate(qps: number, now: number): void {
    this.refill(now);
    this.qps = qps;
    if (qps === 0) this.tokens = 0;
  }

  get rate(): number {
    return this.qps;
  }

  /** Takes a token if one is there. */
  tryTake(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, now - this.last) / 1000) * this.qps);
    this.last = now;
  }
}
