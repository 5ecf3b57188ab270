import { expect, test } from "bun:test";
import { FieldSelectorParseError, matchesFields, parseFieldSelector } from "./selector.ts";

test("field selectors as describe sends them", () => {
  const s = parseFieldSelector("spec.nodeName=n1,status.phase!=Succeeded,status.phase!=Failed");
  expect(matchesFields(s, { "spec.nodeName": "n1", "status.phase": "Running" })).toBe(true);
  expect(matchesFields(s, { "spec.nodeName": "n1", "status.phase": "Failed" })).toBe(false);
  const empty = parseFieldSelector("involvedObject.namespace=,involvedObject.name==n1");
  expect(matchesFields(empty, { "involvedObject.name": "n1" })).toBe(true);
  expect(matchesFields(empty, { "involvedObject.name": "n1", "involvedObject.namespace": "x" })).toBe(false);
  expect(parseFieldSelector("a=b\\,c")).toEqual([{ field: "a", operator: "=", value: "b,c" }]);
  expect(parseFieldSelector("")).toEqual([]);
  expect(() => parseFieldSelector("nonsense")).toThrow(FieldSelectorParseError);
  expect(() => parseFieldSelector("=x")).toThrow(FieldSelectorParseError);
});
