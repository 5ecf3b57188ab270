import { expect, test } from "bun:test";
import { validatePodTemplate } from "./pod-template-validation.ts";

test("template validation", () => {
  expect(validatePodTemplate("spec.template", undefined).map((c) => `${c.field}: ${c.message}`)).toEqual([
    "spec.template: Required value",
  ]);
  expect(
    validatePodTemplate("spec.template", {
      metadata: { labels: { "a b": "c" } },
      spec: {
        containers: [{ name: "a", image: "a", imagePullPolicy: "Always", terminationMessagePolicy: "File" }],
        restartPolicy: "Always",
        dnsPolicy: "ClusterFirst",
      },
    }).map((c) => c.field),
  ).toEqual(["spec.template.metadata.labels"]);
});

test("template annotations", () => {
  const spec = {
    containers: [{ name: "a", image: "a", imagePullPolicy: "Always", terminationMessagePolicy: "File" }],
    restartPolicy: "Always",
    dnsPolicy: "ClusterFirst",
  };
  expect(
    validatePodTemplate("t", { metadata: { annotations: { "ok/x": "1", n: 2 } }, spec }).map((c) => c.field),
  ).toEqual(["t.metadata.annotations[n]"]);
});
