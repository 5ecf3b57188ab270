import { expect, test } from "bun:test";
import { defaultPodTemplate, defaultTemplateOf } from "./pod-template-defaults.ts";

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
