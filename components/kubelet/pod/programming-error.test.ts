// isProgrammingError: bugs crash the kubelet, network and API failures do not.

import { expect, test } from "bun:test";
import { isProgrammingError } from "./programming-error.ts";

test("undefined dereferences and unknown names are bugs", () => {
  const pod = undefined as unknown as { spec: { containers: unknown[] } };
  let thrown: unknown;
  try {
    void pod.spec.containers;
  } catch (error) {
    thrown = error;
  }
  expect(isProgrammingError(thrown)).toBe(true);
  expect(isProgrammingError(new ReferenceError("x is not defined"))).toBe(true);
});

test("failed fetches, plain errors and non-errors are not", async () => {
  const refused = await fetch("http://127.0.0.1:1").catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(TypeError);
  expect(isProgrammingError(refused)).toBe(false);
  expect(isProgrammingError(new Error("container not found"))).toBe(false);
  expect(isProgrammingError(new SyntaxError("Unexpected token < in JSON"))).toBe(false);
  expect(isProgrammingError("TypeError")).toBe(false);
  expect(isProgrammingError(undefined)).toBe(false);
});
