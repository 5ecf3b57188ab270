// The periodic pod sync (upstream's --sync-frequency, default 1m): every pod worker is synced at
// least once per period, spread over the period in small ticks rather than all at once, so
// 150k fake pods make 2500 syncs a second instead of bursts of 15k every 10 s.

/** What a tick takes its items from: a live Map's values (items added later are reached too). */
export interface ResyncSource<T> {
  readonly size: number;
  values(): IterableIterator<T>;
}

/** Hands out the items due at each tick so that each comes up once per `periodMs`. */
export class PodResync<T> {
  private cursor: Iterator<T> | undefined;
  private credit = 0;

  constructor(
    private readonly source: ResyncSource<T>,
    private readonly periodMs: number,
    readonly tickMs: number,
  ) {}

  /** The items due this tick, taken in turn. */
  due(): T[] {
    // In item-milliseconds, whole numbers: no float drift over a period.
    this.credit += this.source.size * this.tickMs;
    if (this.source.size === 0) {
      this.credit = 0;
      this.cursor = undefined;
      return [];
    }
    const out: T[] = [];
    let restarted = false;
    while (this.credit >= this.periodMs) {
      this.cursor ??= this.source.values();
      const next = this.cursor.next();
      if (next.done) {
        // A round is over; the next one starts now, but no item comes up twice in one tick.
        this.cursor = undefined;
        if (restarted) {
          this.credit = Math.min(this.credit, this.periodMs);
          break;
        }
        restarted = true;
        continue;
      }
      out.push(next.value);
      this.credit -= this.periodMs;
    }
    return out;
  }
}
