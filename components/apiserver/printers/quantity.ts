// formatQuantity: a resource.Quantity in its canonical string form ("1536Mi" -> "1536Mi", "2048Mi" -> "2Gi",
// "1.5" -> "1500m", "1000" -> "1k"). Upstream: apimachinery pkg/api/resource/quantity.go (CanonicalizeBytes).

const binarySuffixes: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const decimalSuffixes: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const decimalByExponent = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));
const binaryByExponent = new Map(Object.entries(binarySuffixes).map(([s, e]) => [e, s]));

type Format = "BinarySI" | "DecimalSI" | "DecimalExponent";

interface Parsed {
  /** value = mantissa * 10^exponent */
  mantissa: bigint;
  exponent: number;
  format: Format;
}

function parse(text: string): Parsed | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/.exec(text.trim());
  if (!m) return undefined;
  const [, sign = "", whole = "", fraction = "", suffix = ""] = m;
  if (whole === "" && fraction === "") return undefined;
  let mantissa = BigInt(`${sign}${whole}${fraction}` || "0");
  let exponent = -fraction.length;
  let format: Format;
  const binary = binarySuffixes[suffix];
  const decimal = decimalSuffixes[suffix];
  if (binary !== undefined) {
    format = "BinarySI";
    mantissa *= 1024n ** BigInt(binary);
  } else if (decimal !== undefined) {
    format = "DecimalSI";
    exponent += decimal;
  } else if (/^[eE][+-]?\d+$/.test(suffix)) {
    format = "DecimalExponent";
    exponent += Number(suffix.slice(1));
  } else {
    return undefined;
  }
  // Quantities keep nano precision and round anything finer up (away from zero).
  if (exponent < -9) {
    const divisor = 10n ** BigInt(-9 - exponent);
    const rounded = mantissa / divisor;
    mantissa = rounded * divisor === mantissa ? rounded : rounded + (mantissa < 0n ? -1n : 1n);
    exponent = -9;
  }
  return { mantissa, exponent, format };
}

function removeFactors(value: bigint, base: bigint): [bigint, number] {
  let times = 0;
  while (value !== 0n && value % base === 0n) {
    value /= base;
    times++;
  }
  return [value, times];
}

function decimalString(mantissa: bigint, exponent: number, format: Format): string {
  const [amount, times] = removeFactors(mantissa, 10n);
  let value = amount;
  let exp = exponent + times;
  const rem = ((exp % 3) + 3) % 3;
  if (rem !== 0) {
    value *= 10n ** BigInt(rem);
    exp -= rem;
  }
  if (format === "DecimalExponent") return exp === 0 ? `${value}` : `${value}e${exp}`;
  const suffix = decimalByExponent.get(exp);
  return suffix === undefined ? `${value}e${exp}` : `${value}${suffix}`;
}

/** The canonical form of a quantity; unparsable input is returned unchanged, a missing one as "0". */
export function formatQuantity(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "0";
  const text = String(value);
  const q = parse(text);
  if (!q) return text;
  if (q.mantissa === 0n) return "0";
  if (q.format === "BinarySI") {
    const small =
      q.exponent <= 0 &&
      q.mantissa > -1024n * 10n ** BigInt(-q.exponent) &&
      q.mantissa < 1024n * 10n ** BigInt(-q.exponent);
    const scale = 10n ** BigInt(Math.abs(q.exponent));
    const exact = q.exponent >= 0 || q.mantissa % scale === 0n;
    if (!small && exact) {
      const integer = q.exponent >= 0 ? q.mantissa * scale : q.mantissa / scale;
      const [amount, times] = removeFactors(integer, 1024n);
      const suffix = binaryByExponent.get(times);
      if (times === 0) return `${amount}`;
      if (suffix !== undefined) return `${amount}${suffix}`;
    }
    return decimalString(q.mantissa, q.exponent, "DecimalSI");
  }
  return decimalString(q.mantissa, q.exponent, q.format);
}
