// Cron schedules as CronJobs use them (upstream uses github.com/robfig/cron/v3 ParseStandard):
// five fields (minute hour day-of-month month day-of-week) with lists, ranges, steps, `*`/`?`,
// month and weekday names, the @yearly/@monthly/@weekly/@daily/@hourly descriptors, a
// `TZ=`/`CRON_TZ=` prefix or spec.timeZone; next() finds the next minute after a time.

import { wallClock } from "./time-zone.ts";

export class CronParseError extends Error {
  override name = "CronParseError";
}

interface Field {
  min: number;
  max: number;
  names?: string[];
}

const FIELDS: Field[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  {
    min: 1,
    max: 12,
    names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
  },
  { min: 0, max: 6, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
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
}

function parseValue(text: string, field: Field): number {
  const lower = text.toLowerCase();
  const named = field.names?.indexOf(lower) ?? -1;
  if (named >= 0) return named + field.min;
  if (!/^\d+$/.test(text)) throw new CronParseError(`failed to parse int from ${text}: invalid syntax`);
  return Number(text);
}

function parseField(text: string, field: Field): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const part of text.split(",")) {
    const [range = "", stepText, extra] = part.split("/");
    if (extra !== undefined) throw new CronParseError(`too many slashes: ${part}`);
    let start: number;
    let end: number;
    if (range === "*" || range === "?") {
      [start, end] = [field.min, field.max];
      if (stepText === undefined || stepText === "1") star = true;
    } else {
      const [a = "", b, more] = range.split("-");
      if (more !== undefined) throw new CronParseError(`too many hyphens: ${range}`);
      start = parseValue(a, field);
      end = b === undefined ? (stepText === undefined ? start : field.max) : parseValue(b, field);
    }
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step <= 0)
      throw new CronParseError(`step must be a positive number: ${part}`);
    if (start < field.min)
      throw new CronParseError(`beginning of range (${start}) below minimum (${field.min}): ${part}`);
    if (end > field.max)
      throw new CronParseError(`end of range (${end}) above maximum (${field.max}): ${part}`);
    if (start > end)
      throw new CronParseError(`beginning of range (${start}) beyond end of range (${end}): ${part}`);
    for (let v = start; v <= end; v += step) values.add(v);
  }
  return { values, star };
}

/** Parses a CronJob schedule; `timeZone` (spec.timeZone) wins over none in the text. */
export function parseSchedule(text: string, timeZone?: string | null): CronSchedule {
  let spec = text.trim();
  let zone = timeZone ?? "UTC";
  const tz = /^(?:CRON_)?TZ=(\S+)\s+(.*)$/.exec(spec);
  if (tz) {
    zone = tz[1] as string;
    spec = (tz[2] as string).trim();
  }
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
  } catch {
    throw new CronParseError(`provided bad location ${zone}: unknown time zone ${zone}`);
  }
  if (spec.startsWith("@")) {
    const expanded = DESCRIPTORS[spec.toLowerCase()];
    if (!expanded) throw new CronParseError(`unrecognized descriptor: ${spec}`);
    spec = expanded;
  }
  const parts = spec.split(/\s+/).filter(Boolean);
  if (parts.length !== 5)
    throw new CronParseError(`expected exactly 5 fields, found ${parts.length}: [${parts.join(" ")}]`);
  const [m, h, d, mo, w] = parts.map((p, i) => parseField(p, FIELDS[i] as Field));
  return {
    minutes: (m as { values: Set<number> }).values,
    hours: (h as { values: Set<number> }).values,
    days: (d as { values: Set<number> }).values,
    months: (mo as { values: Set<number> }).values,
    weekdays: (w as { values: Set<number> }).values,
    daysStar: (d as { star: boolean }).star,
    weekdaysStar: (w as { star: boolean }).star,
    timeZone: zone,
  };
}

function dayMatches(s: CronSchedule, wall: Date): boolean {
  const dom = s.days.has(wall.getUTCDate());
  const dow = s.weekdays.has(wall.getUTCDay());
  return s.daysStar || s.weekdaysStar ? dom && dow : dom || dow;
}

/** The first schedule time strictly after `after` (a whole minute), or undefined within five years. */
export function nextTime(s: CronSchedule, after: Date): Date | undefined {
  const zone = wallClock(s.timeZone);
  // Work in wall-clock time: a Date whose UTC fields are the zone's local fields.
  const wall = new Date(zone.toWall(after.getTime()));
  wall.setUTCSeconds(0, 0);
  wall.setUTCMinutes(wall.getUTCMinutes() + 1);
  const limit = wall.getTime() + 5 * 366 * 86_400_000;
  while (wall.getTime() < limit) {
    if (!s.months.has(wall.getUTCMonth() + 1)) {
      wall.setUTCMonth(wall.getUTCMonth() + 1, 1);
      wall.setUTCHours(0, 0, 0, 0);
    } else if (!dayMatches(s, wall)) {
      wall.setUTCDate(wall.getUTCDate() + 1);
      wall.setUTCHours(0, 0, 0, 0);
    } else if (!s.hours.has(wall.getUTCHours())) {
      wall.setUTCHours(wall.getUTCHours() + 1, 0, 0, 0);
    } else if (!s.minutes.has(wall.getUTCMinutes())) {
      wall.setUTCMinutes(wall.getUTCMinutes() + 1, 0, 0);
    } else {
      const instant = zone.fromWall(wall.getTime());
      if (instant > after.getTime()) return new Date(instant);
      wall.setUTCMinutes(wall.getUTCMinutes() + 1, 0, 0); // a repeated wall time after a DST fall-back
    }
  }
  return undefined;
}
