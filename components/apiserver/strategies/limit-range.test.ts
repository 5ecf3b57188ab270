import { describe, expect, test } from "bun:test";
import { limitRangeStrategy } from "./limit-range.ts";
import { created, createErrors } from "./strategy-harness.ts";

describe("limitrange", () => {
  test("container defaults from max and min", () => {
    const obj = created(limitRangeStrategy, {
      spec: { limits: [{ type: "Container", max: { cpu: "2" }, min: { memory: "64Mi" } }] },
    });
    expect(obj.spec).toEqual({
      limits: [
        {
          type: "Container",
          max: { cpu: "2" },
          min: { memory: "64Mi" },
          default: { cpu: "2" },
          defaultRequest: { cpu: "2", memory: "64Mi" },
        },
      ],
    });
    expect(limitRangeStrategy.validate?.(obj)).toEqual([]);
  });

  test("ordering of min, default and max", () => {
    expect(
      createErrors(limitRangeStrategy, {
        spec: { limits: [{ type: "Pod", min: { cpu: "2" }, max: { cpu: "1" } }] },
      }),
    ).toEqual(['spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1']);
  });
});
