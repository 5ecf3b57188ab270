// Tests for the cron parser and next-time search: fields, names, steps, descriptors, the
// day-of-month/day-of-week OR rule, time zones and DST, @every, and robfig's error texts.

import { expect, test } from "bun:test";
import { CronParseError, cronScheduleError, parseSchedule } from "./cron-schedule.ts";
import { nextTime } from "./next-time.ts";
import { wallClock } from "./wall-clock.ts";

const next = (spec: string, after: string, tz?: string) =>
  nextTime(parseSchedule(spec, tz), new Date(after))?.toISOString();

test("every minute, steps, ranges and lists", () => {
  expect(next("* * * * *", "2024-01-01T00:00:30Z")).toBe("2024-01-01T00:01:00.000Z");
  expect(next("* * * * *", "2024-01-01T00:01:00Z")).toBe("2024-01-01T00:02:00.000Z");
  expect(next("*/15 * * * *", "2024-01-01T00:01:00Z")).toBe("2024-01-01T00:15:00.000Z");
  expect(next("5,10-12 3 * * *", "2024-01-01T03:10:00Z")).toBe("2024-01-01T03:11:00.000Z");
  expect(next("0 9 * * mon-fri", "2024-01-05T10:00:00Z")).toBe("2024-01-08T09:00:00.000Z"); // Fri -> Mon
  expect(next("0 0 1 jan *", "2024-06-01T00:00:00Z")).toBe("2025-01-01T00:00:00.000Z");
  expect(next("0 0 * * sun", "2024-01-01T00:00:00Z")).toBe("2024-01-07T00:00:00.000Z");
});

test("descriptors", () => {
  expect(next("@hourly", "2024-01-01T00:30:00Z")).toBe("2024-01-01T01:00:00.000Z");
  expect(next("@daily", "2024-01-01T00:30:00Z")).toBe("2024-01-02T00:00:00.000Z");
  expect(next("@weekly", "2024-01-01T00:30:00Z")).toBe("2024-01-07T00:00:00.000Z");
  expect(next("@monthly", "2024-01-15T00:00:00Z")).toBe("2024-02-01T00:00:00.000Z");
  expect(next("@yearly", "2024-01-15T00:00:00Z")).toBe("2025-01-01T00:00:00.000Z");
});

test("day-of-month and day-of-week are ORed unless one is *", () => {
  // The 13th or any Friday: 2024-09-06 is a Friday before the 13th.
  expect(next("0 0 13 * 5", "2024-09-01T00:00:00Z")).toBe("2024-09-06T00:00:00.000Z");
  expect(next("0 0 13 * *", "2024-09-01T00:00:00Z")).toBe("2024-09-13T00:00:00.000Z");
});

test("time zones and DST", () => {
  expect(next("0 9 * * *", "2024-01-01T00:00:00Z", "Europe/Berlin")).toBe("2024-01-01T08:00:00.000Z");
  expect(next("TZ=America/New_York 0 9 * * *", "2024-07-01T00:00:00Z")).toBe("2024-07-01T13:00:00.000Z");
  // 02:30 does not exist on 2024-03-31 in Berlin; it runs at 03:30 local (01:30Z).
  expect(next("30 2 * * *", "2024-03-30T12:00:00Z", "Europe/Berlin")).toBe("2024-03-31T01:30:00.000Z");
  expect(wallClock("Europe/Berlin").format(Date.parse("2024-07-01T07:00:00Z"))).toBe(
    "2024-07-01T09:00:00+02:00",
  );
  expect(wallClock("UTC").format(Date.parse("2024-07-01T07:00:00Z"))).toBe("2024-07-01T07:00:00Z");
});

test("bad schedules are rejected with robfig's messages", () => {
  expect(() => parseSchedule("* * * *")).toThrow(CronParseError);
  expect(() => parseSchedule("61 * * * *")).toThrow("end of range (61) above maximum (59)");
  expect(() => parseSchedule("0 0 * * 7")).toThrow("end of range (7) above maximum (6)"); // as robfig
  expect(() => parseSchedule("@often")).toThrow("unrecognized descriptor");
  expect(() => parseSchedule("* * * * *", "Mars/Olympus")).toThrow("unknown time zone");
});

test("@every is a constant delay from the whole second", () => {
  expect(next("@every 1h30m", "2024-01-01T00:00:30.700Z")).toBe("2024-01-01T01:30:30.000Z");
  expect(next("@every 100ms", "2024-01-01T00:00:00Z")).toBe("2024-01-01T00:00:01.000Z"); // at least 1s
});

test("valid schedules as CronJob validation sees them", () => {
  for (const s of [
    "*/1 * * * *",
    "0 0 * * 0",
    "@hourly",
    "5 4 * jan-mar mon-fri",
    "TZ=UTC 0 0 * * *",
    "CRON_TZ=Europe/Berlin 0 0 * * *",
    "@every 1h30m",
    "5/15 * * * *",
  ]) {
    expect(cronScheduleError(s)).toBeUndefined();
  }
});

test("errors word for word as robfig/cron", () => {
  expect(cronScheduleError("bad")).toBe("expected exactly 5 fields, found 1: [bad]");
  expect(cronScheduleError("70 * * * *")).toBe("end of range (70) above maximum (59): 70");
  expect(cronScheduleError("* * 0 * *")).toBe("beginning of range (0) below minimum (1): 0");
  expect(cronScheduleError("5-2 * * * *")).toBe("beginning of range (5) beyond end of range (2): 5-2");
  expect(cronScheduleError("*/0 * * * *")).toBe("step of range should be a positive number: */0");
  expect(cronScheduleError("1/2/3 * * * *")).toBe("too many slashes: 1/2/3");
  expect(cronScheduleError("1-2-3 * * * *")).toBe("too many hyphens: 1-2-3");
  expect(cronScheduleError("x * * * *")).toBe(
    'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax',
  );
  expect(cronScheduleError("-1 * * * *")).toBe(
    'failed to parse int from : strconv.Atoi: parsing "": invalid syntax',
  );
  expect(cronScheduleError("@often")).toBe("unrecognized descriptor: @often");
  expect(cronScheduleError("@every soon")).toBe(
    'failed to parse duration @every soon: time: invalid duration "soon"',
  );
  expect(cronScheduleError("TZ=Mars/Olympus 0 0 * * *")).toBe(
    "provided bad location Mars/Olympus: unknown time zone Mars/Olympus",
  );
  expect(cronScheduleError("")).toBe("empty spec string");
});
