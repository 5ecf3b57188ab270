import { describe, expect, test } from "bun:test";
import { formatGoTime, parseGoTime } from "./go-time.ts";

describe("Go time JSON", () => {
  test("Time has whole seconds, MicroTime six fractional digits, both in UTC", () => {
    const t = { seconds: 1714564800, nanos: 123456789 };
    expect(formatGoTime(t, 0)).toBe("2024-05-01T12:00:00Z");
    expect(formatGoTime(t, 6)).toBe("2024-05-01T12:00:00.123456Z");
    expect(formatGoTime({ seconds: 1714564800, nanos: 0 }, 6)).toBe("2024-05-01T12:00:00.000000Z");
    expect(formatGoTime({ seconds: 0, nanos: 0 }, 0)).toBe("1970-01-01T00:00:00Z");
  });

  test("parses RFC3339 with fractions and offsets", () => {
    expect(parseGoTime("2024-05-01T12:00:00Z")).toEqual({ seconds: 1714564800, nanos: 0 });
    expect(parseGoTime("2024-05-01T12:00:00.5Z")).toEqual({ seconds: 1714564800, nanos: 500000000 });
    expect(parseGoTime("2024-05-01T14:00:00+02:00")).toEqual({ seconds: 1714564800, nanos: 0 });
    expect(parseGoTime("2024-05-01T11:30:00.000001-00:30")).toEqual({ seconds: 1714564800, nanos: 1000 });
    expect(parseGoTime("0001-01-01T00:00:00Z")?.seconds).toBe(-62135596800);
    expect(parseGoTime("2024-05-01 12:00:00")).toBeUndefined();
    expect(parseGoTime("yesterday")).toBeUndefined();
  });
});
