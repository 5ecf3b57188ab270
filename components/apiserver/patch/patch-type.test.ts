import { expect, test } from "bun:test";
import { patchMetaFor } from "./builtin-patch-meta.ts";
import { PatchError } from "./patch-error.ts";
import { patchTypeOf } from "./patch-type.ts";

const pod = patchMetaFor("v1", "Pod");

test("the four patch content types of built-in kinds", () => {
  expect(patchTypeOf("application/json-patch+json", pod)).toBe("json");
  expect(patchTypeOf("application/merge-patch+json; charset=utf-8", pod)).toBe("merge");
  expect(patchTypeOf("application/strategic-merge-patch+json", pod)).toBe("strategic");
  expect(patchTypeOf("application/apply-patch+yaml", pod)).toBe("apply");
});

test("unknown types are a 415 listing what is accepted", () => {
  try {
    patchTypeOf("application/json", pod);
    throw new Error("expected a PatchError");
  } catch (error) {
    expect(error).toBeInstanceOf(PatchError);
    expect((error as PatchError).code).toBe(415);
    expect((error as PatchError).message).toBe(
      "the body of the request was in an unknown format - accepted media types include: " +
        "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml",
    );
  }
  expect(() => patchTypeOf(undefined, pod)).toThrow("unknown format");
});

test("custom resources refuse strategic merge patch", () => {
  expect(patchTypeOf("application/merge-patch+json", undefined)).toBe("merge");
  expect(() => patchTypeOf("application/strategic-merge-patch+json", undefined)).toThrow(
    "accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
  );
});
