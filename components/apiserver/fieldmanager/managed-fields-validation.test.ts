// ValidateFieldManager and ValidateManagedFields: the causes, fields and texts upstream gives.
import { expect, test } from "bun:test";
import { fieldManagerCauses, managedFieldsCauses } from "./managed-fields-validation.ts";

const entry = (over: Record<string, unknown>) => ({
  manager: "kt",
  operation: "Update",
  apiVersion: "v1",
  fieldsType: "FieldsV1",
  fieldsV1: {},
  ...over,
});

test("a good manager, and printable non-ASCII, pass", () => {
  expect(fieldManagerCauses("kubectl-client-side-apply", "m")).toEqual([]);
  expect(fieldManagerCauses("gérant ☃", "m")).toEqual([]);
  expect(managedFieldsCauses([entry({}), entry({ operation: "Apply", subresource: "status" })])).toEqual([]);
  expect(managedFieldsCauses(undefined)).toEqual([]);
});

test("each non-printable rune is one cause at its byte offset; length is counted in bytes", () => {
  expect(fieldManagerCauses("é\u0085x\u2029", "m")).toEqual([
    {
      reason: "FieldValueInvalid",
      message: 'Invalid value: "é\\u0085x\\u2029": invalid character U+0085 (at position 2)',
      field: "m",
    },
    {
      reason: "FieldValueInvalid",
      message: 'Invalid value: "é\\u0085x\\u2029": invalid character U+2029 (at position 5)',
      field: "m",
    },
  ]);
  expect(fieldManagerCauses("é".repeat(64), "m")).toEqual([]);
  expect(fieldManagerCauses("é".repeat(65), "m")).toEqual([
    { reason: "FieldValueTooLong", message: "Too long: may not be more than 128 bytes", field: "m" },
  ]);
});

test("managedFields entries: operation, manager and subresource, each under its index", () => {
  expect(
    managedFieldsCauses([
      entry({}),
      entry({ operation: "Patch", manager: "a\x1b", subresource: "s".repeat(257) }),
    ]),
  ).toEqual([
    {
      reason: "FieldValueInvalid",
      message: 'Invalid value: "Patch": must be `Apply` or `Update`',
      field: "metadata.managedFields[1].operation",
    },
    {
      reason: "FieldValueInvalid",
      message: 'Invalid value: "a\\x1b": invalid character U+001B (at position 1)',
      field: "metadata.managedFields[1].manager",
    },
    {
      reason: "FieldValueTooLong",
      message: "Too long: may not be more than 256 bytes",
      field: "metadata.managedFields[1].subresource",
    },
  ]);
});
