// Controller expectations (upstream pkg/controller/controller_utils.go: ControllerExpectations and
// UIDTrackingControllerExpectations): the creations and deletions a controller still waits to see
// in its informer before it trusts the cache again; they expire after five minutes.

interface Expectation {
  adds: number;
  dels: number;
  /** With expectDeletions: only these objects' deletions count (an object is seen deleted twice). */
  tracked?: Set<string>;
  at: number;
}

/** Upstream ExpectationsTimeout: a lost event cannot wedge a controller for longer. */
export const EXPECTATIONS_TTL_MS = 5 * 60_000;

export class ControllerExpectations {
  private readonly items = new Map<string, Expectation>();

  constructor(private readonly now: () => number = Date.now) {}

  /** True when nothing is pending for `key`, what was has been seen, or the wait expired. */
  satisfied(key: string): boolean {
    const e = this.items.get(key);
    if (!e) return true;
    if (e.adds <= 0 && e.dels <= 0) return true;
    return this.now() - e.at > EXPECTATIONS_TTL_MS;
  }

  /** Records that `adds` creations and `dels` deletions are in flight for `key` (SetExpectations). */
  expect(key: string, adds: number, dels: number): void {
    this.items.set(key, { adds, dels, at: this.now() });
  }

  expectCreations(key: string, count: number): void {
    this.expect(key, count, 0);
  }

  /** Expects the deletions of exactly these objects ("namespace/name" keys). */
  expectDeletions(key: string, objectKeys: string[]): void {
    const tracked = new Set(objectKeys);
    this.items.set(key, { adds: 0, dels: tracked.size, tracked, at: this.now() });
  }

  /** Adds to the in-flight counts of `key` (negative lowers them). */
  raise(key: string, adds: number, dels: number): void {
    const e = this.items.get(key);
    if (!e) return;
    e.adds += adds;
    e.dels += dels;
  }

  creationObserved(key: string): void {
    this.raise(key, -1, 0);
  }

  /**
   * A deletion was seen. When the deletions were expected by object key, only those objects
   * count, each once; otherwise any deletion lowers the count.
   */
  deletionObserved(key: string, objectKey?: string): void {
    const e = this.items.get(key);
    if (!e) return;
    if (e.tracked) {
      if (objectKey === undefined || !e.tracked.delete(objectKey)) return;
    }
    e.dels--;
  }

  delete(key: string): void {
    this.items.delete(key);
  }

  /** What is pending, for tests and logs. */
  pending(key: string): { add: number; del: number } | undefined {
    const e = this.items.get(key);
    return e && { add: e.adds, del: e.dels };
  }
}
