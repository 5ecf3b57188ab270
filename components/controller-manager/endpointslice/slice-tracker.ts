// What the endpointslice controller last wrote (upstream pkg/controller/endpointslice
// endpointslice_tracker.go): the resourceVersion of every slice it created or updated and the
// slices it deleted, per service, so a sync that runs before the informer caught up with its own
// writes is recognised as stale and retried instead of creating duplicate slices.

import type { EndpointSlice } from "kubernetes-types/discovery/v1";

const DELETED = "deleted";

function newerOrEqual(have: string | undefined, want: string): boolean {
  if (have === undefined) return false;
  try {
    return BigInt(have) >= BigInt(want);
  } catch {
    return have === want;
  }
}

export class SliceTracker {
  /** service key -> slice name -> resourceVersion written (or "deleted") and when. */
  private readonly expected = new Map<string, Map<string, { want: string; at: number }>>();

  /** An expectation older than this is dropped (a slice deleted behind our back never shows up). */
  constructor(private readonly ttlMs = 30_000) {}

  private forService(service: string): Map<string, { want: string; at: number }> {
    let slices = this.expected.get(service);
    if (!slices) {
      slices = new Map();
      this.expected.set(service, slices);
    }
    return slices;
  }

  written(service: string, slice: EndpointSlice): void {
    const name = slice.metadata?.name;
    const rv = slice.metadata?.resourceVersion;
    if (name && rv) this.forService(service).set(name, { want: rv, at: Date.now() });
  }

  deleted(service: string, name: string): void {
    this.forService(service).set(name, { want: DELETED, at: Date.now() });
  }

  /** True when `cached` (the informer's slices of the service) reflects every write made. */
  current(service: string, cached: readonly EndpointSlice[]): boolean {
    const slices = this.expected.get(service);
    if (!slices) return true;
    const byName = new Map(cached.map((s) => [s.metadata?.name ?? "", s]));
    for (const [name, { want, at }] of slices) {
      const have = byName.get(name);
      const caughtUp = want === DELETED ? !have : newerOrEqual(have?.metadata?.resourceVersion, want);
      if (!caughtUp && Date.now() - at < this.ttlMs) return false;
      slices.delete(name);
    }
    if (slices.size === 0) this.expected.delete(service);
    return true;
  }

  forget(service: string): void {
    this.expected.delete(service);
  }
}
