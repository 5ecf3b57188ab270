import { describe, expect, test } from "bun:test";
import { applyMergePatch } from "./merge-patch.ts";

describe("kubectl merge patches (spec sections 12, 13)", () => {
  const pod = { metadata: { name: "web", labels: { app: "v0", tier: "web" } }, spec: { nodeName: "n1" } };

  test("label --overwrite", () => {
    expect(applyMergePatch(pod, { metadata: { labels: { app: "v1" } } })).toEqual({
      metadata: { name: "web", labels: { app: "v1", tier: "web" } },
      spec: { nodeName: "n1" },
    });
  });

  test("label app- deletes the label", () => {
    expect(applyMergePatch(pod, { metadata: { labels: { app: null } } })).toEqual({
      metadata: { name: "web", labels: { tier: "web" } },
      spec: { nodeName: "n1" },
    });
  });

  test("annotate creates the annotations map", () => {
    expect(applyMergePatch(pod, { metadata: { annotations: { description: "my pod" } } })).toEqual({
      metadata: { name: "web", labels: { app: "v0", tier: "web" }, annotations: { description: "my pod" } },
      spec: { nodeName: "n1" },
    });
  });

  test("scale", () => {
    expect(
      applyMergePatch({ spec: { replicas: 1 }, status: { replicas: 1 } }, { spec: { replicas: 4 } }),
    ).toEqual({
      spec: { replicas: 4 },
      status: { replicas: 1 },
    });
  });

  test("never mutates its inputs", () => {
    const copy = structuredClone(pod);
    const patch = { metadata: { labels: { app: null, x: { y: null } } } };
    const patchCopy = structuredClone(patch);
    applyMergePatch(pod, patch);
    expect(pod).toEqual(copy);
    expect(patch).toEqual(patchCopy);
  });
});

describe("RFC 7386 appendix A", () => {
  const cases: [unknown, unknown, unknown][] = [
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [
      ["a", "b"],
      ["c", "d"],
      ["c", "d"],
    ],
    [{ a: "b" }, ["c"], ["c"]],
    [{ a: "foo" }, null, null],
    [{ a: "foo" }, "bar", "bar"],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: "b", c: null }, { a: "b" }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, result] of cases) {
    test(`${JSON.stringify(target)} + ${JSON.stringify(patch)}`, () => {
      expect(applyMergePatch(target, patch)).toEqual(result);
    });
  }

  test("nulls inside a list that replaces are kept, nulls in its objects dropped", () => {
    expect(applyMergePatch({}, { a: [null, { b: null, c: 1 }] })).toEqual({ a: [null, { c: 1 }] });
  });
});
