// The next activation of a parsed cron schedule (robfig/cron v3 SpecSchedule.Next and
// ConstantDelaySchedule.Next), searched in the schedule's time zone's wall-clock time.

import type { CronSchedule } from "./cron-schedule.ts";
import { wallClock } from "./wall-clock.ts";

function dayMatches(s: CronSchedule, wall: Date): boolean {
  const dom = s.days.has(wall.getUTCDate());
  const dow = s.weekdays.has(wall.getUTCDay());
  return s.daysStar || s.weekdaysStar ? dom && dow : dom || dow;
}

/** The first schedule time strictly after `after`, or undefined within five years. */
export function nextTime(s: CronSchedule, after: Date): Date | undefined {
  if (s.everyMs !== undefined) return new Date(Math.floor(after.getTime() / 1000) * 1000 + s.everyMs);
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
