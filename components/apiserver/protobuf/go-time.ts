// metav1.Time and metav1.MicroTime as Go writes them to JSON: RFC3339 in UTC, with whole seconds
// (time.RFC3339) or exactly six fractional digits (RFC3339Micro); see apimachinery's time.go.

/** A protobuf Timestamp: seconds since the Unix epoch plus nanoseconds. */
export interface GoTimestamp {
  seconds: number;
  nanos: number;
}

/** RFC3339 UTC text for a timestamp, with 0 (Time) or 6 (MicroTime) fractional digits. */
export function formatGoTime(time: GoTimestamp, fractionDigits: 0 | 6): string {
  const whole = new Date(time.seconds * 1000).toISOString().slice(0, 19);
  if (fractionDigits === 0) return `${whole}Z`;
  const micros = Math.floor(time.nanos / 1000)
    .toString()
    .padStart(6, "0");
  return `${whole}.${micros}Z`;
}

const rfc3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Parses RFC3339 text (any offset, up to nanosecond fractions); undefined if it is not RFC3339. */
export function parseGoTime(text: string): GoTimestamp | undefined {
  const m = rfc3339.exec(text);
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second, fraction, , sign, offsetHours, offsetMinutes] = m;
  const utcMillis = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
  );
  // Date.UTC maps years 0-99 to 1900-1999; Go does not.
  const date = new Date(utcMillis);
  date.setUTCFullYear(Number(year));
  let seconds = date.getTime() / 1000;
  if (sign) {
    const offset = (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60;
    seconds -= sign === "+" ? offset : -offset;
  }
  const nanos = fraction ? Number(fraction.padEnd(9, "0")) : 0;
  return { seconds, nanos };
}
