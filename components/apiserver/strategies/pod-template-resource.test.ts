import { expect, test } from "bun:test";
import { podTemplateStrategy } from "./pod-template-resource.ts";
import { created, createErrors } from "./strategy-harness.ts";

test("podtemplate: template defaults and validation under `template`", () => {
  const obj = created(podTemplateStrategy, {
    metadata: { name: "t" },
    template: { spec: { containers: [{ name: "a", image: "a:1" }] } },
  });
  const template = obj.template as { metadata: unknown; spec: Record<string, unknown> };
  expect(template.metadata).toEqual({ creationTimestamp: null });
  expect(template.spec.restartPolicy).toBe("Always");
  expect(podTemplateStrategy.validate?.(obj)).toEqual([]);
  expect(createErrors(podTemplateStrategy, { template: { spec: { containers: [{ name: "a" }] } } })).toEqual([
    "template.spec.containers[0].image: Required value",
  ]);
});
