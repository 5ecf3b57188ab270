import { expect, test } from "bun:test";
import { serviceAccountStrategy } from "./service-account.ts";
import { createErrors } from "./strategy-harness.ts";

test("serviceaccount references", () => {
  expect(
    createErrors(serviceAccountStrategy, { secrets: [{ name: "s" }], imagePullSecrets: [{ name: "r" }] }),
  ).toEqual([]);
  expect(createErrors(serviceAccountStrategy, { secrets: "s", automountServiceAccountToken: "yes" })).toEqual(
    [
      'automountServiceAccountToken: Invalid value: "yes": must be of type boolean',
      'secrets: Invalid value: "s": must be of type array',
    ],
  );
});
