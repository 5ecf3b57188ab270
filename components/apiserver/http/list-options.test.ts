import { expect, test } from "bun:test";
import type { StatusError } from "../../../lib/errors/status-error.ts";
import { resourceVersionProblem, validateListOptions } from "./list-options.ts";

function failure(query: string): StatusError | undefined {
  try {
    validateListOptions(new URLSearchParams(query));
    return undefined;
  } catch (err) {
    return err as StatusError;
  }
}

test("a resourceVersion that is not a uint64 is 400 with the storage's words", () => {
  expect(failure("resourceVersion=abc")?.status).toMatchObject({
    code: 400,
    reason: "BadRequest",
    message:
      'invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax',
  });
  expect(failure("resourceVersion=-5")?.code).toBe(400);
  expect(resourceVersionProblem("99999999999999999999")).toMatch(/value out of range/);
  for (const ok of [
    "",
    "resourceVersion=0",
    "resourceVersion=12",
    "resourceVersion=5&resourceVersionMatch=Exact",
  ])
    expect(failure(ok)).toBeUndefined();
});

test("resourceVersionMatch without resourceVersion, with continue or unknown is 422 ListOptions", () => {
  expect(failure("resourceVersionMatch=Exact")?.status).toMatchObject({
    code: 422,
    reason: "Invalid",
    message:
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
  });
  expect(failure("resourceVersion=1&resourceVersionMatch=Foo")?.message).toBe(
    'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Unsupported value: "Foo": supported values: "Exact", "NotOlderThan", ""',
  );
  expect(failure("resourceVersionMatch=Foo")?.message).toMatch(/^ListOptions.meta.k8s.io "" is invalid: \[/);
  expect(failure("resourceVersion=0&resourceVersionMatch=Exact")?.code).toBe(422);
  expect(failure("resourceVersion=3&resourceVersionMatch=NotOlderThan&continue=x")?.code).toBe(422);
});
