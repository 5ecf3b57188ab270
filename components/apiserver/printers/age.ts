// age: a timestamp shown as the time elapsed until `now`, "<unknown>" when unset.
// Upstream: pkg/printers/internalversion/printers.go (translateTimestampSince, translateMicroTimestampSince).

import { DeferredNow } from "./deferred-now.ts";
import { humanDuration } from "./human-duration.ts";

/** Go's zero time.Time, which metav1.Time encodes when a timestamp was never set. */
const goZeroTime = Date.parse("0001-01-01T00:00:00Z");

/** Parses an RFC3339 (or MicroTime) timestamp; undefined when unset, zero or unparsable. */
export function parseTimestamp(timestamp: string | null | undefined): number | undefined {
  if (!timestamp) return undefined;
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms) || ms === goZeroTime) return undefined;
  return ms;
}

/** `humanDuration(now - timestamp)`, or "<unknown>" for an unset timestamp. */
export function age(timestamp: string | null | undefined, now: Date): string {
  const ms = parseTimestamp(timestamp);
  return ms === undefined ? "<unknown>" : elapsedSince(ms, now);
}

/**
 * `humanDuration(now - fromMs)`: every printer shows time passing through this, so a row printed
 * against a DeferredNow can be cached and its elapsed times filled in per list.
 */
export function elapsedSince(fromMs: number, now: Date): string {
  if (now instanceof DeferredNow) return now.placeholder(fromMs);
  return humanDuration(now.getTime() - fromMs);
}
