import { expect, test } from "bun:test";
import { intOrPercent, isZeroIntOrPercent, nonNegative, notMoreThan100Percent } from "./workload-fields.ts";

test("workload field checks", () => {
  expect(nonNegative("r", 0)).toEqual([]);
  expect(nonNegative("r", -2)[0]?.message).toBe("Invalid value: -2: must be greater than or equal to 0");
  expect(nonNegative("r", "2")[0]?.message).toBe('Invalid value: "2": must be of type integer');
  expect(intOrPercent("m", "25%")).toEqual([]);
  expect(intOrPercent("m", 3)).toEqual([]);
  expect(intOrPercent("m", -1)[0]?.message).toBe(
    'Invalid value: intstr.IntOrString{Type:0, IntVal:-1, StrVal:""}: must be greater than or equal to 0',
  );
  expect(notMoreThan100Percent("m", "101%")).toHaveLength(1);
  expect(isZeroIntOrPercent("0%")).toBe(true);
  expect(isZeroIntOrPercent(1)).toBe(false);
});
