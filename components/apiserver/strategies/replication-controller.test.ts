import { describe, expect, test } from "bun:test";
import { replicationControllerStrategy } from "./replication-controller.ts";
import { created, createErrors } from "./strategy-harness.ts";

const body = {
  metadata: { name: "nginx" },
  spec: {
    replicas: 3,
    template: {
      metadata: { labels: { app: "nginx" } },
      spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] },
    },
  },
};

describe("replicationcontroller", () => {
  test("selector and labels default to the template's labels", () => {
    const obj = created(replicationControllerStrategy, body);
    expect((obj.spec as Record<string, unknown>).selector).toEqual({ app: "nginx" });
    expect(obj.metadata.labels).toEqual({ app: "nginx" });
    expect(obj.status).toEqual({ replicas: 0 });
    expect(replicationControllerStrategy.validate?.(obj)).toEqual([]);
  });

  test("a template is required; a selector must select it", () => {
    expect(createErrors(replicationControllerStrategy, { metadata: { name: "x" }, spec: {} })).toEqual([
      "spec.selector: Required value",
      "spec.template: Required value",
    ]);
    const b = structuredClone(body) as typeof body & { spec: Record<string, unknown> };
    b.spec.selector = { app: "other" };
    expect(createErrors(replicationControllerStrategy, b)).toEqual([
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"nginx"}: `selector` does not match template `labels`',
    ]);
  });
});
