import { expect, test } from "bun:test";
import { validateMapSelectorAndTemplate, validateSelectorAndTemplate } from "./workload-selector.ts";

const template = {
  metadata: { labels: { app: "a", tier: "t" } },
  spec: {
    containers: [{ name: "a", image: "a", imagePullPolicy: "Always", terminationMessagePolicy: "File" }],
    restartPolicy: "Always",
    dnsPolicy: "ClusterFirst",
  },
};

test("LabelSelector workloads", () => {
  const opts = { emptySelector: "empty selector is invalid for deployment", alwaysRestartKind: "ReplicaSet" };
  expect(
    validateSelectorAndTemplate("spec", { selector: { matchLabels: { app: "a" } }, template }, opts),
  ).toEqual([]);
  expect(
    validateSelectorAndTemplate(
      "spec",
      { selector: { matchExpressions: [{ key: "tier", operator: "NotIn", values: ["t"] }] }, template },
      opts,
    ).map((c) => c.message),
  ).toEqual([
    'Invalid value: map[string]string{"app":"a", "tier":"t"}: `selector` does not match template `labels`',
  ]);
});

test("map selector workloads", () => {
  expect(validateMapSelectorAndTemplate("spec", { selector: { app: "a" }, template })).toEqual([]);
  expect(
    validateMapSelectorAndTemplate("spec", { selector: { app: "b" }, template }).map((c) => c.field),
  ).toEqual(["spec.template.metadata.labels"]);
});
