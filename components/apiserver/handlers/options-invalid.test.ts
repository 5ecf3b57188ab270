// Write and delete options validated as apimachinery's meta/v1 validation: each problem one
// cause, one 422 naming the options kind, the values printed as Go prints them.
import { expect, test } from "bun:test";
import { StatusError } from "../../../lib/errors/status-error.ts";
import { statusJson } from "../../../lib/errors/status-response.ts";
import { fieldManagerCauses } from "../fieldmanager/managed-fields-validation.ts";
import { dryRunCauses, optionsInvalid, writeOptionCauses } from "./options-invalid.ts";
import { writeOptions } from "./write.ts";

const url = (q: string) => new URL(`http://kt/api/v1/namespaces/a/configmaps?${q}`);
const refusal = (req: Request): StatusError => {
  try {
    writeOptions(req, new URL(req.url));
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
};

test("good options pass; fieldManager defaults from the user agent, empty counts as unset", () => {
  expect(
    writeOptionCauses(url("dryRun=All&fieldValidation=Strict&fieldManager=kt"), "CreateOptions"),
  ).toEqual([]);
  expect(writeOptionCauses(url("fieldValidation="), "UpdateOptions")).toEqual([]);
  const req = new Request(url("fieldManager=").href, {
    method: "POST",
    headers: { "user-agent": "kt-agent/1.0" },
  });
  expect(writeOptions(req, new URL(req.url)).manager).toBe("kt-agent");
});

test("every problem is a cause of one 422, as upstream's aggregate", () => {
  const err = refusal(
    new Request(url(`dryRun=All&dryRun=Maybe&fieldValidation=Loose&fieldManager=${"é".repeat(65)}`).href, {
      method: "PUT",
    }),
  );
  expect(err.code).toBe(422);
  expect(err.status).toEqual({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message:
      'UpdateOptions.meta.k8s.io "" is invalid: [fieldManager: Too long: may not be more than 128 bytes, dryRun: Unsupported value: []string{"All", "Maybe"}: supported values: "All", fieldValidation: Unsupported value: "Loose": supported values: "", "Ignore", "Strict", "Warn"]',
    reason: "Invalid",
    details: {
      group: "meta.k8s.io",
      kind: "UpdateOptions",
      causes: [
        {
          reason: "FieldValueTooLong",
          message: "Too long: may not be more than 128 bytes",
          field: "fieldManager",
        },
        {
          reason: "FieldValueNotSupported",
          message: 'Unsupported value: []string{"All", "Maybe"}: supported values: "All"',
          field: "dryRun",
        },
        {
          reason: "FieldValueNotSupported",
          message: 'Unsupported value: "Loose": supported values: "", "Ignore", "Strict", "Warn"',
          field: "fieldValidation",
        },
      ],
    },
    code: 422,
  });
});

test("a PATCH: force only for apply, apply needs a fieldManager", () => {
  const patch = (q: string, type: string) => {
    try {
      writeOptions(new Request(url(q).href, { method: "PATCH" }), url(q), "", type);
    } catch (err) {
      return (err as StatusError).message;
    }
    return "";
  };
  expect(patch("force=true", "application/merge-patch+json")).toBe(
    'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
  );
  expect(patch("force=true", "application/apply-patch+yaml")).toBe(
    'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
  );
  expect(patch("force=true&fieldManager=kt", "application/apply-patch+yaml")).toBe("");
});

test("dryRun causes and the DeleteOptions refusal", () => {
  expect(dryRunCauses([])).toEqual([]);
  expect(dryRunCauses(["All", "All"])).toEqual([]);
  expect(optionsInvalid("DeleteOptions", dryRunCauses(["x"])).message).toBe(
    'DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"x"}: supported values: "All"',
  );
});

test("a fieldManager with non-printable characters: one cause per character, as ValidateFieldManager", () => {
  const err = refusal(new Request(url("fieldManager=kt%01a%C2%A0%E2%80%8B").href, { method: "POST" }));
  const value = '"kt\\x01a\\u00a0\\u200b"';
  expect(err.code).toBe(422);
  expect(err.message).toBe(
    `CreateOptions.meta.k8s.io "" is invalid: [fieldManager: Invalid value: ${value}: invalid character U+0001 (at position 2), fieldManager: Invalid value: ${value}: invalid character U+00A0 (at position 4), fieldManager: Invalid value: ${value}: invalid character U+200B (at position 6)]`,
  );
  expect(err.status.details?.causes?.[0]).toEqual({
    reason: "FieldValueInvalid",
    message: `Invalid value: ${value}: invalid character U+0001 (at position 2)`,
    field: "fieldManager",
  });
  // Too long and non-printable: the length first, then the characters.
  expect(fieldManagerCauses(`${"x".repeat(128)}\n`, "fieldManager").map((c) => c.reason)).toEqual([
    "FieldValueTooLong",
    "FieldValueInvalid",
  ]);
  // Printable non-ASCII is fine; a tab is not.
  expect(fieldManagerCauses("kübectl ☃", "fieldManager")).toEqual([]);
  expect(fieldManagerCauses("a\tb", "m")[0]?.message).toBe(
    'Invalid value: "a\\tb": invalid character U+0009 (at position 1)',
  );
});

test("the manager a user agent names: up to the first /, non-printable characters dropped, 128 bytes", () => {
  const manager = (ua: string) =>
    writeOptions(new Request(url("").href, { method: "POST", headers: { "user-agent": ua } }), url(""))
      .manager;
  expect(manager("kubectl/v1.33.0 (linux/amd64)")).toBe("kubectl");
  expect(manager("k\x7ft\x01/1")).toBe("kt");
  expect(manager(`${"é".repeat(70)}/1`)).toBe("é".repeat(64));
});

test("the bytes of an options refusal: details group, kind, causes (no name), as upstream", async () => {
  const err = refusal(new Request(url("fieldManager=a%01").href, { method: "PUT" }));
  expect(statusJson(err.status)).toBe(
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"UpdateOptions.meta.k8s.io \\"\\" is invalid: fieldManager: Invalid value: \\"a\\\\x01\\": invalid character U+0001 (at position 1)","reason":"Invalid","details":{"group":"meta.k8s.io","kind":"UpdateOptions","causes":[{"reason":"FieldValueInvalid","message":"Invalid value: \\"a\\\\x01\\": invalid character U+0001 (at position 1)","field":"fieldManager"}]},"code":422}\n',
  );
});
