import { describe, expect, test } from "bun:test";
import { replicaSetStrategy } from "./replica-set.ts";
import { created, createErrors, updateErrors } from "./strategy-harness.ts";

const body = {
  metadata: { name: "frontend" },
  spec: {
    selector: { matchLabels: { tier: "frontend" } },
    template: {
      metadata: { labels: { tier: "frontend" } },
      spec: { containers: [{ name: "php", image: "php:8" }] },
    },
  },
};

describe("replicaset", () => {
  test("defaults, status and field selector", () => {
    const obj = created(replicaSetStrategy, body);
    const spec = obj.spec as Record<string, unknown>;
    expect(spec.replicas).toBe(1);
    expect((spec.template as { metadata: unknown }).metadata).toEqual({
      creationTimestamp: null,
      labels: { tier: "frontend" },
    });
    expect(obj.status).toEqual({ replicas: 0 });
    expect(replicaSetStrategy.validate?.(obj)).toEqual([]);
    expect(replicaSetStrategy.fields?.(obj)).toEqual({ "status.replicas": "0" });
  });

  test("selector mismatch and immutability", () => {
    const b = structuredClone(body);
    b.spec.template.metadata.labels = { tier: "backend" };
    expect(createErrors(replicaSetStrategy, b)).toEqual([
      'spec.template.metadata.labels: Invalid value: map[string]string{"tier":"backend"}: `selector` does not match template `labels`',
    ]);
    const old = created(replicaSetStrategy, body);
    const next = structuredClone(old);
    (next.spec as { selector: unknown }).selector = {
      matchLabels: { tier: "frontend" },
      matchExpressions: [{ key: "tier", operator: "In", values: ["frontend"] }],
    };
    expect(updateErrors(replicaSetStrategy, next, old)).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"tier":"frontend"}, MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"tier", Operator:"In", Values:[]string{"frontend"}}}}: field is immutable',
    ]);
  });

  test("bad match expressions", () => {
    const b = structuredClone(body) as { spec: Record<string, unknown> };
    b.spec.selector = {
      matchExpressions: [
        { key: "tier", operator: "Like", values: ["a"] },
        { key: "x", operator: "In" },
      ],
    };
    expect(createErrors(replicaSetStrategy, b)).toEqual([
      'spec.selector.matchExpressions[0].operator: Invalid value: "Like": not a valid selector operator',
      "spec.selector.matchExpressions[1].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"tier", Operator:"Like", Values:[]string{"a"}}, v1.LabelSelectorRequirement{Key:"x", Operator:"In", Values:[]string(nil)}}}: invalid label selector',
    ]);
  });
});

test("status writes keep the replicas Go always prints", () => {
  const old = created(replicaSetStrategy, body);
  const obj = structuredClone(old);
  obj.status = { readyReplicas: 1 };
  replicaSetStrategy.prepareForUpdate?.(obj, old, { now: new Date(0), subresource: "status" });
  expect(obj.status).toEqual({ readyReplicas: 1, replicas: 0 });
});
