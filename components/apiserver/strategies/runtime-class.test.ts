import { expect, test } from "bun:test";
import { runtimeClassStrategy } from "./runtime-class.ts";
import { created, createErrors, updateErrors } from "./strategy-harness.ts";

test("runtimeclass handler required, a label, immutable", () => {
  expect(createErrors(runtimeClassStrategy, {})).toEqual(["handler: Required value"]);
  expect(createErrors(runtimeClassStrategy, { handler: "Run_C" })[0]).toStartWith(
    'handler: Invalid value: "Run_C": a lowercase RFC 1123 label',
  );
  const old = created(runtimeClassStrategy, { metadata: { name: "r" }, handler: "runc" });
  const next = structuredClone(old);
  next.handler = "crun";
  expect(updateErrors(runtimeClassStrategy, next, old, false)).toEqual([
    'handler: Invalid value: "crun": field is immutable',
  ]);
});
