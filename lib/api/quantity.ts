// Kubernetes resource quantities as numbers (apimachinery pkg/api/resource): "250m" → 0.25,
// "64Mi" → 67108864, "1e3" → 1000; milli-units rounded up as Quantity.MilliValue does, and
// milli-units printed back in canonical DecimalSI form. Shared by the kubelet, the scheduler and
// the controllers (the apiserver keeps its own validating parser).

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const PATTERN = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?)$/;

/** The value of a quantity; 0 for undefined, NaN when the text is not a quantity. */
export function parseQuantity(text: string | number | undefined): number {
  if (text === undefined) return 0;
  if (typeof text === "number") return text;
  const match = PATTERN.exec(text.trim());
  if (!match) return Number.NaN;
  const factor = match[2] ? 10 ** Number(match[2].slice(1)) : (SUFFIX[match[3] ?? ""] ?? 1);
  return Number(match[1]) * factor;
}

/** The value of a quantity, undefined when the text is not one. */
export function quantityValue(text: string | number): number | undefined {
  const value = parseQuantity(text);
  return Number.isNaN(value) ? undefined : value;
}

/** A quantity in milli-units, rounded up (MilliValue); throws on a malformed one. */
export function milliValue(quantity: string | number): number {
  const value = parseQuantity(quantity);
  if (Number.isNaN(value))
    throw new Error(
      `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    );
  // Round away float noise before rounding up (0.1 * 1000 is 100.00000000000001).
  return Math.ceil(Number((value * 1000).toPrecision(15)));
}

/** Canonical DecimalSI text of a milli-unit count: 1500 -> "1500m", 2000 -> "2", 3e6 -> "3k". */
export function formatMilli(milli: number): string {
  const value = Math.round(milli);
  if (value === 0) return "0";
  if (value % 1000 !== 0) return `${value}m`;
  let base = value / 1000;
  const suffixes = ["", "k", "M", "G", "T", "P", "E"];
  let i = 0;
  while (i < suffixes.length - 1 && base % 1000 === 0) {
    base /= 1000;
    i++;
  }
  return `${base}${suffixes[i]}`;
}
