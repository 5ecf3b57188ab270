// Tests for CRI log parsing and the selection `kubectl logs` asks for: partial lines joined,
// since and tail applied in upstream's order, timestamps echoed as written.
import { describe, expect, test } from "bun:test";
import { criLine, formatEntry, parseCriLine, parseCriLog, selectEntries } from "./cri-log.ts";

const log = [
  "2024-05-01T10:00:00.000000001Z stdout F one",
  "2024-05-01T10:00:01.5Z stderr F two has  spaces ",
  "2024-05-01T10:00:02Z stdout P thr",
  "2024-05-01T10:00:02.1Z stdout F ee",
  "not a cri line",
  "2024-05-01T10:00:03Z stdout F ",
  "2024-05-01T10:00:04Z stdout F five",
  "",
].join("\n");

describe("CRI logs", () => {
  test("a line parses into timestamp, stream, tag and text (spaces kept)", () => {
    expect(parseCriLine("2024-05-01T10:00:01.5Z stderr F two has  spaces ")).toEqual({
      timestamp: "2024-05-01T10:00:01.5Z",
      time: Date.parse("2024-05-01T10:00:01.5Z"),
      stream: "stderr",
      text: "two has  spaces ",
      partial: false,
    });
    expect(parseCriLine("2024-05-01T10:00:01Z stdout P")?.text).toBe("");
    expect(parseCriLine("garbage")).toBeUndefined();
    expect(parseCriLine("notatime stdout F x")).toBeUndefined();
  });

  test("partial entries join into one line with the first fragment's timestamp", () => {
    const lines = parseCriLog(log);
    expect(lines.map((e) => e.text)).toEqual(["one", "two has  spaces ", "three", "", "five"]);
    expect(lines[2]?.timestamp).toBe("2024-05-01T10:00:02Z");
  });

  test("tail, since and both", () => {
    const lines = parseCriLog(log);
    const texts = (sel: Parameters<typeof selectEntries>[1]) => selectEntries(lines, sel).map((e) => e.text);
    expect(texts({ timestamps: false, tailLines: 2 })).toEqual(["", "five"]);
    expect(texts({ timestamps: false, tailLines: 0 })).toEqual([]);
    expect(texts({ timestamps: false, tailLines: 100 })).toHaveLength(5);
    expect(texts({ timestamps: false, sinceMs: Date.parse("2024-05-01T10:00:01.5Z") })).toEqual([
      "two has  spaces ",
      "three",
      "",
      "five",
    ]);
    expect(texts({ timestamps: false, sinceMs: Date.parse("2024-05-01T10:00:02Z"), tailLines: 1 })).toEqual([
      "five",
    ]);
  });

  test("timestamps are echoed as written, before the text", () => {
    const [first] = parseCriLog(log);
    expect(formatEntry(first as never, true)).toBe("2024-05-01T10:00:00.000000001Z one\n");
    expect(formatEntry(first as never, false)).toBe("one\n");
  });

  test("criLine writes what parseCriLine reads", () => {
    const at = new Date("2024-05-01T10:00:00Z");
    expect(parseCriLog(criLine("stdout", "hi", at) + criLine("stderr", "x", at, true))).toEqual([
      { timestamp: at.toISOString(), time: at.getTime(), stream: "stdout", text: "hi", partial: false },
      { timestamp: at.toISOString(), time: at.getTime(), stream: "stderr", text: "x", partial: true },
    ]);
  });
});
