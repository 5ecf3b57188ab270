import { expect, test } from "bun:test";
import { validatePodSpecUpdate } from "./pod-update.ts";

const old = () => ({
  containers: [{ name: "a", image: "a:1" }],
  activeDeadlineSeconds: 100,
  tolerations: [{ key: "k", operator: "Exists" }],
  terminationGracePeriodSeconds: -1,
});

test("allowed pod spec changes", () => {
  const next = old();
  next.containers[0]!.image = "a:2";
  next.activeDeadlineSeconds = 50;
  next.tolerations.push({ key: "j", operator: "Exists" });
  next.terminationGracePeriodSeconds = 1;
  expect(validatePodSpecUpdate(next, old())).toEqual([]);
});

test("refused pod spec changes", () => {
  const longer = old();
  longer.activeDeadlineSeconds = 200;
  expect(validatePodSpecUpdate(longer, old()).map((c) => c.message)).toEqual([
    "Invalid value: 200: must be less than or equal to previous value",
  ]);
  const removed = old();
  removed.tolerations = [];
  expect(validatePodSpecUpdate(removed, old()).map((c) => c.field)).toEqual(["spec.tolerations"]);
  const renamed = old();
  renamed.containers[0]!.name = "b";
  expect(validatePodSpecUpdate(renamed, old()).map((c) => c.field)).toEqual(["spec"]);
});
