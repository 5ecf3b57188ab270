// Write and delete options validated as apimachinery's meta/v1 validation: each problem one
// cause, one 422 naming the options kind, the values printed as Go prints them.
import { expect, test } from "bun:test";
import { StatusError } from "../../../lib/errors/status-error.ts";
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
