import { expect, test } from "bun:test";
import { cronScheduleError } from "./cron-schedule.ts";

test("valid schedules", () => {
  for (const s of [
    "*/1 * * * *",
    "0 0 * * 0",
    "@hourly",
    "5 4 * jan-mar mon-fri",
    "TZ=UTC 0 0 * * *",
    "@every 1h30m",
  ]) {
    expect(cronScheduleError(s)).toBeUndefined();
  }
});

test("errors as robfig/cron words them", () => {
  expect(cronScheduleError("bad")).toBe("expected exactly 5 fields, found 1: [bad]");
  expect(cronScheduleError("70 * * * *")).toBe("end of range (70) above maximum (59): 70");
  expect(cronScheduleError("* * 0 * *")).toBe("beginning of range (0) below minimum (1): 0");
  expect(cronScheduleError("@often")).toBe("unrecognized descriptor: @often");
  expect(cronScheduleError("")).toBe("empty spec string");
});
