// A `now` for printing a Table row once and showing it at many times: elapsed-time text (AGE,
// "5m ago") printed against it is a placeholder holding the start instant, which a cached row
// fills in per list. Reading the time any other way marks the row as not cacheable.

/**
 * Placeholder text: MARK, the start instant in ms, END. Control characters: JSON.stringify writes
 * them as the ASCII escapes `\u0001` and `\u0002`, so a row's text stays one byte per character.
 */
export const MARK = "\u0001";
export const END = "\u0002";

export class DeferredNow extends Date {
  /** A printer read the time itself: its cells hold that instant, so the row must be printed per list. */
  readDirectly = false;
  /** Placeholders handed out. */
  placeholders = 0;

  constructor() {
    super(0);
  }

  override getTime(): number {
    this.readDirectly = true;
    return super.getTime();
  }

  override valueOf(): number {
    this.readDirectly = true;
    return super.valueOf();
  }

  /** The text standing for `humanDuration(now - fromMs)`. */
  placeholder(fromMs: number): string {
    this.placeholders++;
    return `${MARK}${fromMs}${END}`;
  }
}
