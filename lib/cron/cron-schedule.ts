// The one cron parser: robfig/cron v3's ParseStandard, which upstream uses both to validate
// CronJob.spec.schedule (pkg/apis/batch/validation) and to run it (pkg/controller/cronjob):
// five fields or a descriptor (@every included), an optional TZ=/CRON_TZ= prefix, its error texts.

export class CronParseError extends Error {
  override name = "CronParseError";
}

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

const DESCRIPTORS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

export interface CronSchedule {
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  /** A field written as `*` or `?` (robfig's star bit): day matching is AND, else OR. */
  daysStar: boolean;
  weekdaysStar: boolean;
  /** IANA time zone, "UTC" by default. */
  timeZone: string;
  /** `@every <duration>`: a constant delay in whole seconds (ms), at least one second. */
  everyMs?: number;
}

/** Go's strconv.Atoi plus robfig's mustParseInt (no negatives), with their error texts. */
function atoi(expr: string): number {
  if (!/^[+-]?\d+$/.test(expr))
    throw new CronParseError(
      `failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`,
    );
  const n = Number(expr);
  if (n < 0) throw new CronParseError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, b: Bounds): number {
  const named = b.names?.indexOf(expr.toLowerCase()) ?? -1;
  return named >= 0 ? named + b.min : atoi(expr);
}

/** One comma-separated part (robfig getRange): its values are added to `into`; true for a star. */
function parseRange(expr: string, b: Bounds, into: Set<number>): boolean {
  const rangeAndStep = expr.split("/");
  const lowAndHigh = (rangeAndStep[0] ?? "").split("-");
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === "*" || lowAndHigh[0] === "?") {
    [start, end, star] = [b.min, b.max, true];
  } else {
    start = parseIntOrName(lowAndHigh[0] ?? "", b);
    if (lowAndHigh.length > 2) throw new CronParseError(`too many hyphens: ${expr}`);
    end = lowAndHigh.length === 2 ? parseIntOrName(lowAndHigh[1] ?? "", b) : start;
  }
  let step = 1;
  if (rangeAndStep.length > 2) throw new CronParseError(`too many slashes: ${expr}`);
  if (rangeAndStep.length === 2) {
    step = atoi(rangeAndStep[1] ?? "");
    if (lowAndHigh.length === 1) end = b.max; // "N/step" means "N-max/step"
    if (step > 1) star = false;
  }
  if (start < b.min)
    throw new CronParseError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new CronParseError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end)
    throw new CronParseError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronParseError(`step of range should be a positive number: ${expr}`);
  for (let v = start; v <= end; v += step) into.add(v);
  return star;
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's time.ParseDuration for the positive durations @every takes, in ms; undefined if invalid. */
function parseDuration(text: string): number | undefined {
  if (!/^(\d+(\.\d*)?(ns|us|µs|ms|s|m|h))+$/.test(text) && text !== "0") return undefined;
  let ms = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d*)?)(ns|us|µs|ms|s|m|h)/g))
    ms += Number(m[1]) * (DURATION_UNITS[m[2] as string] ?? 0);
  return ms;
}

/** Parses a schedule as robfig/cron's ParseStandard; `timeZone` (spec.timeZone) applies when the text has none. */
export function parseSchedule(text: string, timeZone?: string | null): CronSchedule {
  if (text.length === 0) throw new CronParseError("empty spec string");
  let spec = text;
  let zone = timeZone ?? "UTC";
  if (spec.startsWith("TZ=") || spec.startsWith("CRON_TZ=")) {
    const space = spec.indexOf(" ");
    zone = spec.slice(spec.indexOf("=") + 1, space < 0 ? undefined : space);
    spec = space < 0 ? "" : spec.slice(space).trim();
  }
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
  } catch {
    throw new CronParseError(`provided bad location ${zone}: unknown time zone ${zone}`);
  }
  let everyMs: number | undefined;
  if (spec.startsWith("@")) {
    if (spec.startsWith("@every ")) {
      const duration = parseDuration(spec.slice(7));
      if (duration === undefined)
        throw new CronParseError(
          `failed to parse duration ${spec}: time: invalid duration ${JSON.stringify(spec.slice(7))}`,
        );
      everyMs = Math.max(1000, Math.floor(duration / 1000) * 1000);
      spec = "* * * * *";
    } else {
      const expanded = DESCRIPTORS[spec];
      if (!expanded) throw new CronParseError(`unrecognized descriptor: ${spec}`);
      spec = expanded;
    }
  }
  const parts = spec.split(/\s+/).filter((f) => f !== "");
  if (parts.length !== 5)
    throw new CronParseError(`expected exactly 5 fields, found ${parts.length}: [${parts.join(" ")}]`);
  const sets = FIELDS.map(() => new Set<number>());
  const stars = parts.map((field, i) =>
    field
      .split(",")
      .reduce((star, part) => parseRange(part, FIELDS[i] as Bounds, sets[i] as Set<number>) || star, false),
  );
  const [minutes, hours, days, months, weekdays] = sets as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  const schedule: CronSchedule = {
    minutes,
    hours,
    days,
    months,
    weekdays,
    daysStar: stars[2] ?? false,
    weekdaysStar: stars[4] ?? false,
    timeZone: zone,
  };
  if (everyMs !== undefined) schedule.everyMs = everyMs;
  return schedule;
}

/** The parse error of a schedule as CronJob validation reports it, or undefined when it is valid. */
export function cronScheduleError(spec: string): string | undefined {
  try {
    parseSchedule(spec);
    return undefined;
  } catch (error) {
    if (error instanceof CronParseError) return error.message;
    throw error;
  }
}
