// Kubernetes resource quantities as numbers ("100m" → 0.1, "64Mi" → 67108864), enough for
// limits, requests and divisors (apimachinery pkg/api/resource).

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

export function quantityValue(text: string | number): number | undefined {
  if (typeof text === "number") return text;
  const match = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/.exec(text.trim());
  if (!match) return undefined;
  const factor = SUFFIX[match[2] as string];
  if (factor === undefined) return undefined;
  return Number(match[1]) * factor;
}
