// Controller expectations (upstream pkg/controller/controller_utils.go ControllerExpectations):
// after creating or deleting N pods a controller waits for its informer to show them before it
// trusts the cache again; expectations expire after five minutes so a lost event cannot wedge it.

const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Expected {
  adds: number;
  dels: number;
  at: number;
}

export class ControllerExpectations {
  private readonly expected = new Map<string, Expected>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records that `adds` creations and `dels` deletions are in flight for `key`. */
  expect(key: string, adds: number, dels: number): void {
    this.expected.set(key, { adds, dels, at: this.now() });
  }

  /** Adds to the in-flight counts of `key` (e.g. a creation that failed lowers adds with -1). */
  raise(key: string, adds: number, dels: number): void {
    const e = this.expected.get(key);
    if (!e) return;
    e.adds += adds;
    e.dels += dels;
  }

  creationObserved(key: string): void {
    this.raise(key, -1, 0);
  }

  deletionObserved(key: string): void {
    this.raise(key, 0, -1);
  }

  /** True when nothing is in flight, or what was has been seen, or the wait expired. */
  satisfied(key: string): boolean {
    const e = this.expected.get(key);
    if (!e) return true;
    if (e.adds <= 0 && e.dels <= 0) return true;
    return this.now() - e.at > EXPECTATIONS_TIMEOUT_MS;
  }

  delete(key: string): void {
    this.expected.delete(key);
  }
}
