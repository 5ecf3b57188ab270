import { describe, expect, test } from "bun:test";
import { FieldSet } from "./field-set.ts";

describe("FieldSet", () => {
  const fieldsV1 = {
    "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
    "f:spec": {
      "f:containers": { 'k:{"name":"a"}': { ".": {}, "f:image": {}, "f:name": {} } },
      "f:finalizers": { 'v:"x"': {} },
      "f:replicas": {},
    },
  };

  test("round-trips FieldsV1 with `.` members", () => {
    const set = FieldSet.fromFieldsV1(fieldsV1);
    expect(set.size).toBe(7);
    expect(set.has(["f:metadata", "f:labels"])).toBe(true);
    expect(set.has(["f:metadata"])).toBe(false);
    expect(set.toFieldsV1()).toEqual(fieldsV1);
  });

  test("set algebra", () => {
    const a = new FieldSet([["f:a"], ["f:b"]]);
    const b = new FieldSet([["f:b"], ["f:c", "f:d"]]);
    expect(a.union(b).size).toBe(3);
    expect(a.difference(b).paths()).toEqual([["f:a"]]);
    expect(a.intersection(b).paths()).toEqual([["f:b"]]);
    expect(b.hasPrefix(["f:c"])).toBe(true);
    expect(b.hasPrefix(["f:d"])).toBe(false);
  });

  test("an empty set is an empty object; junk FieldsV1 reads as empty", () => {
    expect(new FieldSet().toFieldsV1()).toEqual({});
    expect(FieldSet.fromFieldsV1("nope").size).toBe(0);
  });
});
