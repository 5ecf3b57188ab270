// resource.Quantity parsing for validation: syntax as upstream's regular expression and a
// comparable value in nano units (k8s.io/apimachinery pkg/api/resource/quantity.go).

export const QUANTITY_MESSAGE =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const binary: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimal: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** The value in nano units (rounded up), or undefined when `text` is not a quantity. */
export function quantityNanos(text: unknown): bigint | undefined {
  const s = typeof text === "number" ? String(text) : text;
  if (typeof s !== "string") return undefined;
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([eE][-+]?[0-9]+|[A-Za-z]*)$/.exec(s);
  if (!m) return undefined;
  const [, sign = "", whole = "", frac = "", suffix = ""] = m;
  if (whole === "" && frac === "") return undefined;
  let mantissa = BigInt(`${whole}${frac}` || "0");
  let exp10 = -frac.length;
  let mul = 1n;
  if (binary[suffix] !== undefined) mul = 2n ** BigInt(binary[suffix]);
  else if (decimal[suffix] !== undefined) exp10 += decimal[suffix];
  else if (/^[eE]/.test(suffix)) exp10 += Number(suffix.slice(1));
  else return undefined;
  mantissa *= mul;
  exp10 += 9;
  let nanos: bigint;
  if (exp10 >= 0) nanos = mantissa * 10n ** BigInt(exp10);
  else {
    const d = 10n ** BigInt(-exp10);
    nanos = mantissa / d + (mantissa % d === 0n ? 0n : 1n);
  }
  return sign === "-" ? -nanos : nanos;
}
