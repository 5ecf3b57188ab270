// The JSONPath subset CRD printer columns use, as client-go util/jsonpath evaluates it.

import { expect, test } from "bun:test";
import { evaluateJsonPath, parseJsonPath } from "./json-path-lite.ts";

const data = {
  spec: {
    a: { b: 1 },
    list: [
      { n: "x", v: 1 },
      { n: "y", v: 2 },
    ],
    "dotted.key": "d",
    flag: false,
  },
};
const eval1 = (path: string) => {
  const steps = parseJsonPath(path);
  return steps ? evaluateJsonPath(steps, data) : "unparsable";
};

test("fields, indexes, brackets, wildcards and filters", () => {
  expect(eval1(".spec.a.b")).toEqual([1]);
  expect(eval1("{.spec.a.b}")).toEqual([1]);
  expect(eval1("$.spec.a")).toEqual([{ b: 1 }]);
  expect(eval1(".spec.list[1].n")).toEqual(["y"]);
  expect(eval1(".spec.list[-1].v")).toEqual([2]);
  expect(eval1(".spec.list[5].v")).toEqual([]);
  expect(eval1(".spec['dotted.key']")).toEqual(["d"]);
  expect(eval1('.spec["dotted.key"]')).toEqual(["d"]);
  expect(eval1(".spec.dotted\\.key")).toEqual(["d"]);
  expect(eval1(".spec.list[*].n")).toEqual(["x", "y"]);
  expect(eval1('.spec.list[?(@.n=="y")].v')).toEqual([2]);
  expect(eval1(".spec.list[?(@.v == 1)].n")).toEqual(["x"]);
  expect(eval1(".spec.list[?(@.v != 1)].n")).toEqual(["y"]);
  expect(eval1(".spec.flag")).toEqual([false]);
  expect(eval1(".spec.missing.deeper")).toEqual([]);
  expect(eval1(".spec[")).toBe("unparsable");
  expect(eval1("spec")).toBe("unparsable");
});
