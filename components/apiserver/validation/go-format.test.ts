import { expect, test } from "bun:test";
import { goIntOrString, goLabelSelector, goStringMap } from "./go-format.ts";

test("maps as %#v prints them", () => {
  expect(goStringMap({ tier: "b", app: "a" })).toBe(`map[string]string{"app":"a", "tier":"b"}`);
  expect(goStringMap(undefined)).toBe("map[string]string(nil)");
  expect(goStringMap({})).toBe("map[string]string{}");
});

test("label selectors and int-or-strings", () => {
  expect(goLabelSelector({ matchLabels: { app: "nginx2" } })).toBe(
    `v1.LabelSelector{MatchLabels:map[string]string{"app":"nginx2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`,
  );
  expect(goLabelSelector({ matchExpressions: [{ key: "a", operator: "In", values: ["x"] }] })).toBe(
    `v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"a", Operator:"In", Values:[]string{"x"}}}}`,
  );
  expect(goIntOrString("25%")).toBe(`intstr.IntOrString{Type:1, IntVal:0, StrVal:"25%"}`);
  expect(goIntOrString(3)).toBe(`intstr.IntOrString{Type:0, IntVal:3, StrVal:""}`);
});
