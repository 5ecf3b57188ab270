import { expect, test } from "bun:test";
import { finalizerName } from "./finalizer-name.ts";

test("finalizer names", () => {
  expect(finalizerName("f", "kubernetes")).toEqual([]);
  expect(finalizerName("f", "example.com/cleanup")).toEqual([]);
  expect(finalizerName("f", "cleanup")[0]?.message).toBe(
    'Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified',
  );
  expect(finalizerName("f", 1)[0]?.reason).toBe("FieldValueTypeInvalid");
});
