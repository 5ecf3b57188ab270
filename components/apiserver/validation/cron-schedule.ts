// Cron schedules as CronJob validation parses them: robfig/cron v3's ParseStandard (five
// fields or a descriptor, optional TZ= prefix) with its error texts, which upstream puts in
// the cause (pkg/apis/batch/validation/validation.go validateScheduleFormat).

interface Bounds {
  min: number;
  max: number;
  names?: string[];
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const FIELDS: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS },
  { min: 0, max: 6, names: DAYS },
];
const DESCRIPTORS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

function parseNumber(expr: string, b: Bounds): number | string {
  const named = b.names?.indexOf(expr.toLowerCase()) ?? -1;
  if (named >= 0) return named + b.min;
  if (!/^-?\d+$/.test(expr))
    return `failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`;
  const n = Number(expr);
  if (n < 0) return `negative number (${n}) not allowed: ${expr}`;
  return n;
}

function checkRange(expr: string, b: Bounds): string | undefined {
  const slash = expr.split("/");
  if (slash.length > 2) return `too many slashes: ${expr}`;
  const range = slash[0] ?? "";
  const hyphen = range.split("-");
  let start: number;
  let end: number;
  if (range === "*" || range === "?") {
    start = b.min;
    end = b.max;
  } else {
    if (hyphen.length > 2) return `too many hyphens: ${expr}`;
    const s = parseNumber(hyphen[0] ?? "", b);
    if (typeof s === "string") return s;
    start = s;
    if (hyphen.length === 2) {
      const e = parseNumber(hyphen[1] ?? "", b);
      if (typeof e === "string") return e;
      end = e;
    } else end = start;
  }
  if (slash.length === 2) {
    const step = parseNumber(slash[1] ?? "", b);
    if (typeof step === "string") return step;
    if (step <= 0) return `step of range should be a positive number: ${expr}`;
  }
  if (start < b.min) return `beginning of range (${start}) below minimum (${b.min}): ${expr}`;
  if (end > b.max) return `end of range (${end}) above maximum (${b.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  return undefined;
}

/** The parse error of a schedule, or undefined when it is valid. */
export function cronScheduleError(spec: string): string | undefined {
  if (spec.length === 0) return "empty spec string";
  let rest = spec;
  if (rest.startsWith("TZ=") || rest.startsWith("CRON_TZ=")) {
    const i = rest.indexOf(" ");
    rest = i < 0 ? "" : rest.slice(i).trim();
  }
  if (rest.startsWith("@")) {
    if (DESCRIPTORS.includes(rest)) return undefined;
    if (rest.startsWith("@every ")) {
      return /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(rest.slice(7).trim())
        ? undefined
        : `failed to parse duration ${rest}: time: invalid duration ${JSON.stringify(rest.slice(7).trim())}`;
    }
    return `unrecognized descriptor: ${rest}`;
  }
  const fields = rest.split(/\s+/).filter((f) => f !== "");
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(" ")}]`;
  for (let i = 0; i < 5; i++) {
    for (const part of (fields[i] ?? "").split(",")) {
      const err = checkRange(part, FIELDS[i] as Bounds);
      if (err) return err;
    }
  }
  return undefined;
}
