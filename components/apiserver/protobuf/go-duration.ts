// metav1.Duration as Go writes it to JSON: time.Duration.String() ("1h2m3.5s", "150ms", "0s"),
// and time.ParseDuration for the way back.

const units: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  μs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** Fractional decimal text of value/unit without trailing zeros ("1.5", "2"). */
function decimal(value: bigint, unit: bigint): string {
  const whole = value / unit;
  const rest = value % unit;
  if (rest === 0n) return whole.toString();
  const digits = unit.toString().length - 1;
  const fraction = rest.toString().padStart(digits, "0").replace(/0+$/, "");
  return `${whole}.${fraction}`;
}

/** Go's time.Duration.String() for a count of nanoseconds. */
export function formatGoDuration(nanoseconds: bigint | number): string {
  let d = BigInt(nanoseconds);
  if (d === 0n) return "0s";
  const sign = d < 0n ? "-" : "";
  if (d < 0n) d = -d;
  if (d < 1_000n) return `${sign}${d}ns`;
  if (d < 1_000_000n) return `${sign}${decimal(d, 1_000n)}µs`;
  if (d < 1_000_000_000n) return `${sign}${decimal(d, 1_000_000n)}ms`;
  const hours = d / units.h!;
  const minutes = (d % units.h!) / units.m!;
  const seconds = decimal(d % units.m!, units.s!);
  if (hours > 0n) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0n) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

/** Go's time.ParseDuration; undefined for text Go would reject. */
export function parseGoDuration(text: string): bigint | undefined {
  let rest = text;
  let sign = 1n;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    if (rest[0] === "-") sign = -1n;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0n;
  if (rest === "") return undefined;
  let total = 0n;
  const part = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/;
  while (rest !== "") {
    const m = part.exec(rest);
    if (!m || (m[1] === "" && (m[2] ?? "") === "")) return undefined;
    const unit = units[m[3]!]!;
    total += BigInt(m[1] || "0") * unit;
    const fraction = m[2] ?? "";
    if (fraction !== "") {
      const scale = 10n ** BigInt(fraction.length);
      total += (BigInt(fraction) * unit) / scale;
    }
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}
