import { expect, test } from "bun:test";
import { defaultPodTemplate, defaultTemplateOf, validatePodTemplate } from "./pod-template.ts";

test("template defaulting", () => {
  const t: Record<string, unknown> = { spec: { containers: [{ name: "a", image: "a:1" }] } };
  defaultPodTemplate(t);
  expect(t.metadata).toEqual({ creationTimestamp: null });
  expect((t.spec as Record<string, unknown>).enableServiceLinks).toBeUndefined();
  expect((t.spec as Record<string, unknown>).schedulerName).toBe("default-scheduler");
  const parent: Record<string, unknown> = {};
  defaultTemplateOf(parent);
  expect(parent.template).toEqual({
    metadata: { creationTimestamp: null },
    spec: {
      dnsPolicy: "ClusterFirst",
      restartPolicy: "Always",
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      schedulerName: "default-scheduler",
    },
  });
  expect(() => defaultPodTemplate("x")).not.toThrow();
});

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
