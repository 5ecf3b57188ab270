import { expect, test } from "bun:test";
import {
  validateContainerSecurityContext,
  validatePodSecurityContext,
} from "./security-context-validation.ts";

const lines = (cs: { field?: string; message?: string }[]) => cs.map((c) => `${c.field}: ${c.message}`);

test("security contexts", () => {
  expect(validatePodSecurityContext("s", {})).toEqual([]);
  expect(lines(validatePodSecurityContext("s", { runAsUser: -1, fsGroup: "x" }))).toEqual([
    "s.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive",
    's.fsGroup: Invalid value: "x": must be of type integer',
  ]);
  expect(
    lines(validateContainerSecurityContext("c", { privileged: true, allowPrivilegeEscalation: false })),
  ).toEqual([
    'c: Invalid value: "": cannot set `allowPrivilegeEscalation` to false and `privileged` to true',
  ]);
  expect(lines(validateContainerSecurityContext("c", "root"))).toEqual([
    'c: Invalid value: "root": must be of type object',
  ]);
});
