import { expect, test } from "bun:test";
import { volumeSources } from "./volume-sources.ts";

test("the sources a volume sets", () => {
  expect(volumeSources({ name: "x", emptyDir: {}, nfs: null })).toEqual(["emptyDir"]);
  expect(volumeSources({ name: "x" })).toEqual([]);
  expect(volumeSources({ name: "x", hostPath: { path: "/" }, secret: {} })).toEqual(["hostPath", "secret"]);
});
