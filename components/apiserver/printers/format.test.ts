// Cell formatting helpers against upstream labels.FormatLabels and metav1.FormatLabelSelector behaviour.

import { expect, test } from "bun:test";
import {
  formatLabelSelector,
  formatLabels,
  intOrString,
  joinHostPort,
  layoutContainerCells,
  listWithMore,
} from "./format.ts";

test("formatLabels sorts keys and shows <none> when empty", () => {
  expect(formatLabels({ b: "2", a: "1" })).toBe("a=1,b=2");
  expect(formatLabels({})).toBe("<none>");
  expect(formatLabels(undefined)).toBe("<none>");
});

test("formatLabelSelector as metav1.FormatLabelSelector", () => {
  expect(formatLabelSelector(undefined)).toBe("<none>");
  expect(formatLabelSelector({})).toBe("<none>");
  expect(formatLabelSelector({ matchLabels: { foo: "bar" } })).toBe("foo=bar");
  expect(
    formatLabelSelector({ matchExpressions: [{ key: "a", operator: "In", values: ["y", "x", "y"] }] }),
  ).toBe("a in (x,y)");
  expect(formatLabelSelector({ matchExpressions: [{ key: "a", operator: "In", values: [] }] })).toBe(
    "<error>",
  );
  expect(formatLabelSelector({ matchExpressions: [{ key: "a", operator: "Exists", values: ["v"] }] })).toBe(
    "<error>",
  );
});

test("helpers", () => {
  expect(
    layoutContainerCells([
      { name: "a", image: "x" },
      { name: "b", image: "y" },
    ]),
  ).toEqual(["a,b", "x,y"]);
  expect(layoutContainerCells(undefined)).toEqual(["", ""]);
  expect(listWithMore([], 0, 3)).toBe("<unset>");
  expect(listWithMore(["a", "b", "c"], 5, 3)).toBe("a,b,c + 2 more...");
  expect(intOrString(3)).toBe("3");
  expect(intOrString("25%")).toBe("25%");
  expect(joinHostPort("10.0.0.1", 80)).toBe("10.0.0.1:80");
  expect(joinHostPort("::1", 80)).toBe("[::1]:80");
});
