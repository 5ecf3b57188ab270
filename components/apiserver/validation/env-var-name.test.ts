import { expect, test } from "bun:test";
import { envVarName } from "./env-var-name.ts";

test("environment variable names (relaxed validation)", () => {
  for (const ok of ["PATH", "my.env-name", "1st", "a b"]) expect(envVarName("e", ok)).toEqual([]);
  expect(envVarName("e", "A=B")[0]?.message).toBe(
    `Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
  );
  expect(envVarName("e", "é")).toHaveLength(1);
});
