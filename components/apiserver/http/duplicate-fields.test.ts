import { expect, test } from "bun:test";
import { duplicateFields } from "./duplicate-fields.ts";

test("repeated keys are reported once each, with the strict decoder's paths", () => {
  expect(duplicateFields('{"a":1,"a":2,"a":3,"b":4,"b":5,"e":[{"f":1,"f":1}]}')).toEqual([
    "a",
    "b",
    "e[0].f",
  ]);
  expect(duplicateFields('{"d":{"a":"","b":"","a":"","b":""}}')).toEqual(["d.a", "d.b"]);
  expect(duplicateFields('{"x":[{"g":1},{"g":1,"g":2}],"c":{"c":"","c":""}}')).toEqual(["x[1].g", "c.c"]);
});

test("no false positives: same keys in sibling objects, keys inside strings, escaped keys", () => {
  expect(duplicateFields('{"a":{"k":1},"b":{"k":1},"s":"\\"a\\":1,\\"a\\":2"}')).toEqual([]);
  expect(duplicateFields('{"\\u0061":1,"a":2}')).toEqual(["a"]);
  expect(duplicateFields('{"metadata":{"name":"x","labels":{"a":"1"}},"data":{"a":"1"}}')).toEqual([]);
  expect(duplicateFields("[]")).toEqual([]);
});

test("objects past 16 keys, keys after nested objects, escapes in values, arrays of arrays", () => {
  const many = Array.from({ length: 40 }, (_, i) => `"k${i}":${i}`).join(",");
  expect(duplicateFields(`{${many},"k3":1,"k39":2,"z":{${many}}}`)).toEqual(["k3", "k39"]);
  expect(duplicateFields(`{"o":{${many},"k0":{"k0":1,"k0":2}}}`)).toEqual(["o.k0", "o.k0.k0"]);
  expect(duplicateFields('{"a":{"b":1},"c":[{"b":1}],"b":2,"a":3}')).toEqual(["a"]);
  expect(duplicateFields('{"s":"x\\\\","t":"\\"}{[","s":1}')).toEqual(["s"]);
  expect(duplicateFields('[[{"a":1}],[{"a":1},{"a":1,"a":2}]]')).toEqual(["[1][1].a"]);
  expect(duplicateFields('{"a":1,"b":"unterminated')).toEqual([]);
});
