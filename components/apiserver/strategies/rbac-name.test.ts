// RBAC object names are path segments (upstream's ValidateRBACName), not DNS subdomains.
import { expect, test } from "bun:test";
import { rbacName } from "./rbac.ts";

test("path-segment names", () => {
  expect(rbacName("system:controller:x")).toEqual([]);
  expect(rbacName("testing-CR")).toEqual([]);
  expect(rbacName("..")).toEqual([
    { reason: "FieldValueInvalid", field: "metadata.name", message: `Invalid value: "..": may not be '..'` },
  ]);
  expect(rbacName("a/b%c").map((c) => c.message)).toEqual([
    `Invalid value: "a/b%c": may not contain '/'`,
    `Invalid value: "a/b%c": may not contain '%'`,
  ]);
});
