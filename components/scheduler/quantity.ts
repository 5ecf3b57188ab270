// Resource quantities as the scheduler counts them (apimachinery pkg/api/resource): cpu in
// millicores, everything else in whole units, rounded up as Quantity.MilliValue/Value do.

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

const PATTERN = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/;

/** The value of "250m", "1.5", "64Mi" as a number; NaN when it is not a quantity. */
export function parseQuantity(text: string | number | undefined): number {
  if (text === undefined) return 0;
  if (typeof text === "number") return text;
  const match = PATTERN.exec(text.trim());
  const factor = match ? SUFFIX[match[2] as string] : undefined;
  if (!match || factor === undefined) return Number.NaN;
  return Number(match[1]) * factor;
}

/** Millicores of a cpu quantity ("250m" → 250, "2" → 2000), rounded up. */
export function milliValue(text: string | number | undefined): number {
  const value = parseQuantity(text);
  return Number.isNaN(value) ? 0 : Math.ceil(Math.round(value * 1e6) / 1e3);
}

/** Whole units of a quantity ("64Mi" → 67108864, "1k" → 1000), rounded up. */
export function unitValue(text: string | number | undefined): number {
  const value = parseQuantity(text);
  return Number.isNaN(value) ? 0 : Math.ceil(value);
}
