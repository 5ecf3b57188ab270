// Quantities in canonical text, as resource.Quantity.String() writes them
// (apimachinery pkg/api/resource/quantity.go CanonicalizeBytes): "2048Mi" -> "2Gi",
// "1.5" -> "1500m", "1000" -> "1k"; and milli-unit counts in DecimalSI form.

import { parseQuantity, type QuantityFormat } from "./quantity.ts";

const DECIMAL_BY_EXPONENT = new Map<number, string>([
  [-9, "n"],
  [-6, "u"],
  [-3, "m"],
  [0, ""],
  [3, "k"],
  [6, "M"],
  [9, "G"],
  [12, "T"],
  [15, "P"],
  [18, "E"],
]);
const BINARY_BY_POWER = new Map<number, string>([
  [1, "Ki"],
  [2, "Mi"],
  [3, "Gi"],
  [4, "Ti"],
  [5, "Pi"],
  [6, "Ei"],
]);

function removeFactors(value: bigint, base: bigint): [bigint, number] {
  let times = 0;
  while (value !== 0n && value % base === 0n) {
    value /= base;
    times++;
  }
  return [value, times];
}

function decimalString(mantissa: bigint, exponent: number, format: QuantityFormat): string {
  const [amount, times] = removeFactors(mantissa, 10n);
  let value = amount;
  let exp = exponent + times;
  const rem = ((exp % 3) + 3) % 3;
  if (rem !== 0) {
    value *= 10n ** BigInt(rem);
    exp -= rem;
  }
  if (format === "DecimalExponent") return exp === 0 ? `${value}` : `${value}e${exp}`;
  const suffix = DECIMAL_BY_EXPONENT.get(exp);
  return suffix === undefined ? `${value}e${exp}` : `${value}${suffix}`;
}

/** The canonical form of a quantity; unparsable input is returned unchanged, a missing one as "0". */
export function formatQuantity(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "0";
  const text = String(value);
  const q = parseQuantity(text.trim());
  if (!q) return text;
  if (q.mantissa === 0n) return "0";
  if (q.format === "BinarySI") {
    const scale = 10n ** BigInt(Math.abs(q.exponent));
    const small = q.exponent <= 0 && q.mantissa > -1024n * scale && q.mantissa < 1024n * scale;
    const exact = q.exponent >= 0 || q.mantissa % scale === 0n;
    if (!small && exact) {
      const integer = q.exponent >= 0 ? q.mantissa * scale : q.mantissa / scale;
      const [amount, times] = removeFactors(integer, 1024n);
      if (times === 0) return `${amount}`;
      const suffix = BINARY_BY_POWER.get(times);
      if (suffix !== undefined) return `${amount}${suffix}`;
    }
    return decimalString(q.mantissa, q.exponent, "DecimalSI");
  }
  return decimalString(q.mantissa, q.exponent, q.format);
}

/** Canonical DecimalSI text of a milli-unit count: 1500 -> "1500m", 2000 -> "2", 3e6 -> "3k". */
export function formatMilli(milli: number): string {
  if (Math.round(milli) === 0) return "0";
  return decimalString(BigInt(Math.round(milli)), -3, "DecimalSI");
}
