// The one resource.Quantity parser (apimachinery pkg/api/resource/quantity.go): exact
// decimal values (bigint mantissa, nano precision, finer digits rounded away from zero), the
// suffix's format, and the number views the kubelet, scheduler and controllers use.

export const QUANTITY_MESSAGE =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

export type QuantityFormat = "BinarySI" | "DecimalSI" | "DecimalExponent";

/** value = mantissa * 10^exponent, exponent >= -9 (nano precision). */
export interface Quantity {
  mantissa: bigint;
  exponent: number;
  format: QuantityFormat;
}

const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const PATTERN = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([eE][-+]?[0-9]+|[A-Za-z]*)$/;

/** Parses a quantity (a number is taken as its decimal text); undefined when it is not one. */
export function parseQuantity(text: unknown): Quantity | undefined {
  const s = typeof text === "number" ? String(text) : text;
  if (typeof s !== "string") return undefined;
  const m = PATTERN.exec(s);
  if (!m) return undefined;
  const [, sign = "", whole = "", fraction = "", suffix = ""] = m;
  if (whole === "" && fraction === "") return undefined;
  let mantissa = BigInt(`${sign}${whole}${fraction}` || "0");
  let exponent = -fraction.length;
  let format: QuantityFormat;
  const binary = BINARY[suffix];
  const decimal = DECIMAL[suffix];
  if (binary !== undefined) {
    format = "BinarySI";
    mantissa *= 1024n ** BigInt(binary);
  } else if (decimal !== undefined) {
    format = "DecimalSI";
    exponent += decimal;
  } else if (/^[eE][-+]?[0-9]+$/.test(suffix)) {
    format = "DecimalExponent";
    exponent += Number(suffix.slice(1));
  } else return undefined;
  if (exponent < -9) {
    const divisor = 10n ** BigInt(-9 - exponent);
    const rounded = mantissa / divisor;
    mantissa = rounded * divisor === mantissa ? rounded : rounded + (mantissa < 0n ? -1n : 1n);
    exponent = -9;
  }
  return { mantissa, exponent, format };
}

/** The value in nano units, or undefined when `text` is not a quantity (comparisons, sums). */
export function quantityNanos(text: unknown): bigint | undefined {
  const q = parseQuantity(text);
  return q === undefined ? undefined : q.mantissa * 10n ** BigInt(q.exponent + 9);
}

/** The value as a float ("250m" -> 0.25), undefined when the text is not a quantity. */
export function quantityValue(text: string | number): number | undefined {
  const nanos = quantityNanos(typeof text === "string" ? text.trim() : text);
  return nanos === undefined ? undefined : Number(nanos) / 1e9;
}

/** nanos / unit rounded up (toward +infinity), as Quantity.ScaledValue rounds. */
function ceilDiv(nanos: bigint, unit: bigint): number {
  const q = nanos / unit;
  return Number(nanos % unit > 0n ? q + 1n : q);
}

function scaled(quantity: string | number | undefined, unit: bigint, onInvalid: number | undefined): number {
  if (quantity === undefined) return 0;
  const nanos = quantityNanos(typeof quantity === "string" ? quantity.trim() : quantity);
  if (nanos !== undefined) return ceilDiv(nanos, unit);
  if (onInvalid !== undefined) return onInvalid;
  throw new Error(QUANTITY_MESSAGE);
}

/** Milli-units rounded up (Quantity.MilliValue); a malformed quantity throws unless `onInvalid` is given. */
export function milliValue(quantity: string | number | undefined, onInvalid?: number): number {
  return scaled(quantity, 1_000_000n, onInvalid);
}

/** Whole units rounded up (Quantity.Value); a malformed quantity throws unless `onInvalid` is given. */
export function unitValue(quantity: string | number | undefined, onInvalid?: number): number {
  return scaled(quantity, 1_000_000_000n, onInvalid);
}
