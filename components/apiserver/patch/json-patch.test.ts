import { describe, expect, test } from "bun:test";
import { applyJsonPatch } from "./json-patch.ts";
import { PatchError } from "./patch-error.ts";

function expectPatchError(fn: () => unknown, code: number, message: string | RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PatchError);
    expect((error as PatchError).code).toBe(code);
    if (typeof message === "string") expect((error as PatchError).message).toBe(message);
    else expect((error as PatchError).message).toMatch(message);
    return;
  }
  throw new Error("expected a PatchError");
}

describe("RFC 6902 operations", () => {
  test("add sets members, inserts into and appends to lists", () => {
    const doc = { a: { list: [1, 3] } };
    expect(
      applyJsonPatch(doc, [
        { op: "add", path: "/a/b", value: "x" },
        { op: "add", path: "/a/list/1", value: 2 },
        { op: "add", path: "/a/list/-", value: 4 },
        { op: "add", path: "/a/list/0", value: 0 },
      ]),
    ).toEqual({ a: { b: "x", list: [0, 1, 2, 3, 4] } });
  });

  test("add replaces an existing member", () => {
    expect(applyJsonPatch({ a: 1 }, [{ op: "add", path: "/a", value: 2 }])).toEqual({ a: 2 });
  });

  test("remove and replace", () => {
    const doc = { a: 1, b: [1, 2, 3], c: { d: true } };
    expect(
      applyJsonPatch(doc, [
        { op: "remove", path: "/a" },
        { op: "remove", path: "/b/1" },
        { op: "replace", path: "/c/d", value: false },
        { op: "replace", path: "/b/0", value: 9 },
      ]),
    ).toEqual({ b: [9, 3], c: { d: false } });
  });

  test("move and copy", () => {
    const doc = { a: { x: 1 }, b: [1, 2] };
    expect(
      applyJsonPatch(doc, [
        { op: "move", from: "/a/x", path: "/y" },
        { op: "copy", from: "/b", path: "/c" },
        { op: "move", from: "/b/0", path: "/b/-" },
      ]),
    ).toEqual({ a: {}, y: 1, b: [2, 1], c: [1, 2] });
  });

  test("copy makes an independent value", () => {
    const result = applyJsonPatch({ a: { x: [1] } }, [
      { op: "copy", from: "/a", path: "/b" },
      { op: "add", path: "/b/x/-", value: 2 },
    ]);
    expect(result).toEqual({ a: { x: [1] }, b: { x: [1, 2] } });
  });

  test("JSON pointer escaping ~0 and ~1", () => {
    const doc = { metadata: { annotations: { "example.com/a~b": "1" } } };
    expect(
      applyJsonPatch(doc, [
        { op: "test", path: "/metadata/annotations/example.com~1a~0b", value: "1" },
        { op: "replace", path: "/metadata/annotations/example.com~1a~0b", value: "2" },
        { op: "add", path: "/metadata/annotations/kubectl.kubernetes.io~1restartedAt", value: "now" },
      ]),
    ).toEqual({
      metadata: { annotations: { "example.com/a~b": "2", "kubectl.kubernetes.io/restartedAt": "now" } },
    });
  });

  test("test compares structurally; a missing member equals null", () => {
    const doc = { spec: { replicas: 2, selector: { matchLabels: { b: "2", a: "1" } } } };
    expect(
      applyJsonPatch(doc, [
        { op: "test", path: "/spec/replicas", value: 2 },
        { op: "test", path: "/spec/selector", value: { matchLabels: { a: "1", b: "2" } } },
        { op: "test", path: "/spec/paused", value: null },
      ]),
    ).toEqual(doc);
  });

  test("never mutates its inputs", () => {
    const doc = { a: [1], b: { c: 1 } };
    const patch = [
      { op: "add", path: "/a/-", value: { n: 1 } },
      { op: "remove", path: "/b/c" },
    ];
    const docCopy = structuredClone(doc);
    const patchCopy = structuredClone(patch);
    const result = applyJsonPatch(doc, patch) as { a: unknown[] };
    result.a.push(3);
    expect(doc).toEqual(docCopy);
    expect(patch).toEqual(patchCopy);
  });

  test("values the patch adds are copies: later operations do not reach into the patch", () => {
    const patch = [
      { op: "add", path: "/a", value: { list: [1] } },
      { op: "add", path: "/a/list/-", value: 2 },
      { op: "add", path: "/a/b", value: true },
    ];
    const copy = structuredClone(patch);
    expect(applyJsonPatch({}, patch)).toEqual({ a: { list: [1, 2], b: true } });
    expect(patch).toEqual(copy);
  });

  test("negative indices count from the end, as evanphx/json-patch allows", () => {
    expect(applyJsonPatch({ a: [1, 2, 3] }, [{ op: "remove", path: "/a/-1" }])).toEqual({ a: [1, 2] });
    expect(applyJsonPatch({ a: [1, 2] }, [{ op: "add", path: "/a/-2", value: 9 }])).toEqual({ a: [1, 9, 2] });
  });
});

describe("kubectl bodies (spec sections 10, 14)", () => {
  test("rollout undo replaces the pod template and the annotations", () => {
    const deployment = {
      metadata: { name: "hello", annotations: { "deployment.kubernetes.io/revision": "2" } },
      spec: {
        replicas: 1,
        template: {
          metadata: { labels: { app: "hello" } },
          spec: { containers: [{ name: "hello", image: "nginx:1.28" }] },
        },
      },
    };
    const template = {
      metadata: { creationTimestamp: null, labels: { app: "hello" } },
      spec: { containers: [{ name: "hello", image: "nginx:1.27" }] },
    };
    const annotations = { "deployment.kubernetes.io/revision": "2" };
    const result = applyJsonPatch(deployment, [
      { op: "replace", path: "/spec/template", value: template },
      { op: "replace", path: "/metadata/annotations", value: annotations },
    ]) as typeof deployment;
    expect(result.spec.template).toEqual(template as unknown as typeof deployment.spec.template);
    expect(result.spec.replicas).toBe(1);
  });

  test("managedFields migration patch replaces managedFields and resourceVersion", () => {
    const obj = { metadata: { resourceVersion: "5", managedFields: [{ manager: "old" }] } };
    const result = applyJsonPatch(obj, [
      { op: "replace", path: "/metadata/managedFields", value: [{ manager: "kubectl", operation: "Apply" }] },
      { op: "replace", path: "/metadata/resourceVersion", value: "5" },
    ]);
    expect(result).toEqual({
      metadata: { resourceVersion: "5", managedFields: [{ manager: "kubectl", operation: "Apply" }] },
    });
  });
});

describe("operations that do not apply (422, evanphx/json-patch messages)", () => {
  const doc = { spec: { replicas: 1, list: [1, 2] } };

  test("a failed test", () => {
    expectPatchError(
      () => applyJsonPatch(doc, [{ op: "test", path: "/spec/replicas", value: 2 }]),
      422,
      "testing value /spec/replicas failed: test failed",
    );
    expectPatchError(
      () => applyJsonPatch(doc, [{ op: "test", path: "/spec/x", value: 1 }]),
      422,
      "testing value /spec/x failed: test failed",
    );
    expectPatchError(
      () => applyJsonPatch(doc, [{ op: "test", path: "/missing/x", value: 1 }]),
      422,
      "test operation does not apply: is missing path: /missing/x: missing value",
    );
  });

  test("a later failure leaves nothing applied", () => {
    const copy = structuredClone(doc);
    expectPatchError(
      () =>
        applyJsonPatch(doc, [
          { op: "replace", path: "/spec/replicas", value: 3 },
          { op: "test", path: "/spec/replicas", value: 1 },
        ]),
      422,
      "testing value /spec/replicas failed: test failed",
    );
    expect(doc).toEqual(copy);
  });

  test("missing parents and keys", () => {
    expectPatchError(
      () => applyJsonPatch(doc, [{ op: "add", path: "/status/x", value: 1 }]),
      422,
      'add operation does not apply: doc is missing path: "/status/x": missing value',
    );
    expectPatchError(
      () => applyJsonPatch(doc, [{ op: "remove", path: "/spec/x" }]),
      422,
      "error in remove for path: '/spec/x': Unable to remove nonexistent key: x: missing value",
    );
    expectPatchError(
      () => applyJsonPatch(doc, [{ op: "remove", path: "/nope/x" }]),
      422,
      'remove operation does not apply: doc is missing path: "/nope/x": missing value',
    );
    expectPatchError(
      () => applyJsonPatch(doc, [{ op: "replace", path: "/spec/x", value: 1 }]),
      422,
      "replace operation does not apply: doc is missing key: /spec/x: missing value",
    );
    expectPatchError(
      () => applyJsonPatch(doc, [{ op: "replace", path: "/status/x", value: 1 }]),
      422,
      "replace operation does not apply: doc is missing path: /status/x: missing value",
    );
    expectPatchError(
      () => applyJsonPatch(doc, [{ op: "move", from: "/spec/nope/a", path: "/b" }]),
      422,
      "move operation does not apply: doc is missing from path: /spec/nope/a: missing value",
    );
    expectPatchError(
      () => applyJsonPatch(doc, [{ op: "copy", from: "/spec/replicas", path: "/a/b" }]),
      422,
      "copy operation does not apply: doc is missing destination path: /a/b: missing value",
    );
    expectPatchError(
      () => applyJsonPatch(doc, [{ op: "add", path: "", value: {} }]),
      422,
      'add operation does not apply: doc is missing path: "": missing value',
    );
  });

  test("bad list indices", () => {
    expectPatchError(
      () => applyJsonPatch(doc, [{ op: "add", path: "/spec/list/5", value: 1 }]),
      422,
      "error in add for path: '/spec/list/5': Unable to access invalid index: 5: invalid index referenced",
    );
    expectPatchError(
      () => applyJsonPatch(doc, [{ op: "add", path: "/spec/list/x", value: 1 }]),
      422,
      /value was not a proper array index: 'x'/,
    );
    expectPatchError(
      () => applyJsonPatch(doc, [{ op: "remove", path: "/spec/list/2" }]),
      422,
      "error in remove for path: '/spec/list/2': Unable to access invalid index: 2: invalid index referenced",
    );
    expectPatchError(
      () => applyJsonPatch(doc, [{ op: "replace", path: "/spec/list/2", value: 1 }]),
      422,
      "replace operation does not apply: doc is missing key: /spec/list/2: missing value",
    );
  });

  test("operations with unknown kinds or missing fields", () => {
    expectPatchError(() => applyJsonPatch(doc, [{ op: "frob", path: "/a" }]), 422, "Unexpected kind: frob");
    expectPatchError(() => applyJsonPatch(doc, [{ path: "/a" }]), 422, "Unexpected kind: unknown");
    expectPatchError(() => applyJsonPatch(doc, [null]), 422, "Unexpected kind: unknown");
    expectPatchError(
      () => applyJsonPatch(doc, [{ op: "add", value: 1 }]),
      422,
      "add operation failed to decode path: missing value",
    );
    expectPatchError(
      () => applyJsonPatch(doc, [{ op: "move", path: "/a" }]),
      422,
      "move operation failed to decode from: operation, missing from field: missing value",
    );
  });
});

describe("malformed patches (400)", () => {
  test("a patch that is not a list", () => {
    expectPatchError(
      () => applyJsonPatch({}, { op: "add" }),
      400,
      "json: cannot unmarshal object into Go value of type jsonpatch.Patch",
    );
    expectPatchError(() => applyJsonPatch({}, "x"), 400, /cannot unmarshal string/);
    expectPatchError(() => applyJsonPatch({}, true), 400, /cannot unmarshal bool into/);
  });

  test("an operation that is not an object", () => {
    expectPatchError(
      () => applyJsonPatch({}, ["add"]),
      400,
      "json: cannot unmarshal string into Go value of type jsonpatch.Operation",
    );
  });

  test("more than 10000 operations", () => {
    const patch = Array.from({ length: 10001 }, () => ({ op: "test", path: "/a", value: null }));
    expectPatchError(
      () => applyJsonPatch({}, patch),
      413,
      /maximum operations in a JSON patch is 10000, got 10001/,
    );
  });
});
