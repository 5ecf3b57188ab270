// Facts from upstream printers_test.go (TestTranslateTimestampSince).

import { expect, test } from "bun:test";
import { age } from "./age.ts";

const now = new Date("2024-06-01T12:00:00Z");
const at = (ms: number) => new Date(now.getTime() + ms).toISOString();

test("age of a timestamp", () => {
  expect(age(at(2100), now)).toBe("<invalid>");
  expect(age(at(1900), now)).toBe("0s");
  expect(age(at(0), now)).toBe("0s");
  expect(age(undefined, now)).toBe("<unknown>");
  expect(age(null, now)).toBe("<unknown>");
  expect(age("", now)).toBe("<unknown>");
  expect(age("0001-01-01T00:00:00Z", now)).toBe("<unknown>");
  expect(age("not a time", now)).toBe("<unknown>");
  expect(age(at(-3e4), now)).toBe("30s");
  expect(age(at(-3e5), now)).toBe("5m");
  expect(age(at(-6e6), now)).toBe("100m");
  expect(age(at(-2 * 86_400_000), now)).toBe("2d");
  expect(age(at(-90 * 86_400_000), now)).toBe("90d");
  expect(age(at(-10 * 365 * 86_400_000), now)).toBe("10y");
  expect(age("2024-06-01T11:59:59.999999Z", now)).toBe("0s");
});
