// Controller expectations (upstream pkg/controller/controller_utils.go: ControllerExpectations
// and UIDTrackingControllerExpectations): how many creations a controller still waits to see,
// and which pods' deletions, so a sync never acts on a stale cache; they expire after 5 min.

interface Expectation {
  add: number;
  deletions: Set<string>;
  at: number;
}

export const EXPECTATIONS_TTL_MS = 5 * 60_000;

export class ControllerExpectations {
  private readonly items = new Map<string, Expectation>();

  constructor(private readonly now: () => number = Date.now) {}

  /** True when nothing is pending for `key` (or what was pending expired): the cache is trustworthy. */
  satisfied(key: string): boolean {
    const e = this.items.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.deletions.size === 0) return true;
    return this.now() - e.at > EXPECTATIONS_TTL_MS;
  }

  expectCreations(key: string, count: number): void {
    this.items.set(key, { add: count, deletions: new Set(), at: this.now() });
  }

  /** Expect the deletions of these pods ("namespace/name" keys). */
  expectDeletions(key: string, podKeys: string[]): void {
    this.items.set(key, { add: 0, deletions: new Set(podKeys), at: this.now() });
  }

  creationObserved(key: string): void {
    const e = this.items.get(key);
    if (e && e.add > 0) e.add--;
  }

  /** A pod's deletion was seen; only the pods we deleted count (a pod is seen deleted twice). */
  deletionObserved(key: string, podKey: string): void {
    this.items.get(key)?.deletions.delete(podKey);
  }

  delete(key: string): void {
    this.items.delete(key);
  }

  /** What is pending, for tests and logs. */
  pending(key: string): { add: number; del: number } | undefined {
    const e = this.items.get(key);
    return e && { add: e.add, del: e.deletions.size };
  }
}
