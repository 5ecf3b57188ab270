import { describe, expect, test } from "bun:test";
import { priorityClassStrategy } from "./priority-class.ts";
import { created, createErrors, updateErrors } from "./strategy-harness.ts";

describe("priorityclass", () => {
  test("defaults; system classes are allowed, user ones are bounded", () => {
    const obj = created(priorityClassStrategy, {
      metadata: { name: "system-node-critical" },
      value: 2000001000,
    });
    expect(obj.preemptionPolicy).toBe("PreemptLowerPriority");
    expect(priorityClassStrategy.validate?.(obj)).toEqual([]);
    expect(
      createErrors(priorityClassStrategy, { metadata: { name: "system-mine" }, value: 2000000001 }),
    ).toEqual([
      "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only",
      "value: Forbidden: maximum allowed value of a user defined priority is 1000000000",
    ]);
    expect(createErrors(priorityClassStrategy, { metadata: { name: "high" }, value: "high" })).toEqual([
      'value: Invalid value: "high": must be of type integer',
    ]);
  });

  test("value is immutable", () => {
    const old = created(priorityClassStrategy, { metadata: { name: "high" }, value: 1000 });
    const next = structuredClone(old);
    next.value = 2000;
    expect(updateErrors(priorityClassStrategy, next, old, false)).toEqual([
      "value: Forbidden: may not be changed in an update.",
    ]);
  });
});
