import { describe, expect, test } from "bun:test";
import { daemonSetStrategy } from "./daemon-set.ts";
import { created, createErrors, updated } from "./strategy-harness.ts";

const body = {
  metadata: { name: "fluentd" },
  spec: {
    selector: { matchLabels: { name: "fluentd" } },
    template: {
      metadata: { labels: { name: "fluentd" } },
      spec: { containers: [{ name: "f", image: "fluentd:v1" }] },
    },
  },
};

describe("daemonset", () => {
  test("defaults, template generation annotation and status", () => {
    const obj = created(daemonSetStrategy, body);
    const spec = obj.spec as Record<string, unknown>;
    expect(spec.updateStrategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
    });
    expect(spec.revisionHistoryLimit).toBe(10);
    expect(obj.metadata.annotations).toEqual({ "deprecated.daemonset.template.generation": "1" });
    expect(obj.status).toEqual({
      currentNumberScheduled: 0,
      desiredNumberScheduled: 0,
      numberMisscheduled: 0,
      numberReady: 0,
    });
    expect(daemonSetStrategy.validate?.(obj)).toEqual([]);
  });

  test("a template change bumps the template generation", () => {
    const old = created(daemonSetStrategy, body);
    const next = structuredClone(old);
    (next.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec
      .containers[0]!.image = "fluentd:v2";
    expect(updated(daemonSetStrategy, next, old).metadata?.annotations).toEqual({
      "deprecated.daemonset.template.generation": "2",
    });
  });

  test("empty selector and bad template policies", () => {
    const b = structuredClone(body) as typeof body & { spec: Record<string, unknown> };
    (b.spec as Record<string, unknown>).selector = {};
    (b.spec.template.spec as Record<string, unknown>).restartPolicy = "OnFailure";
    expect(createErrors(daemonSetStrategy, b)).toEqual([
      "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is not valid for daemonset.",
      'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
    ]);
  });
});
