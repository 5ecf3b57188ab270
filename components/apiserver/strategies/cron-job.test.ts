import { describe, expect, test } from "bun:test";
import { cronJobStrategy } from "./cron-job.ts";
import { created, createErrors } from "./strategy-harness.ts";

const body = {
  metadata: { name: "hello" },
  spec: {
    schedule: "*/1 * * * *",
    jobTemplate: {
      metadata: { name: "hello" },
      spec: {
        template: { spec: { containers: [{ name: "hello", image: "busybox" }], restartPolicy: "OnFailure" } },
      },
    },
  },
};

describe("cronjob", () => {
  test("defaults as a v1.32 cluster stores them", () => {
    const obj = created(cronJobStrategy, body);
    const spec = obj.spec as Record<string, unknown>;
    expect(spec.concurrencyPolicy).toBe("Allow");
    expect(spec.suspend).toBe(false);
    expect(spec.successfulJobsHistoryLimit).toBe(3);
    expect(spec.failedJobsHistoryLimit).toBe(1);
    const jt = spec.jobTemplate as { metadata: unknown; spec: Record<string, unknown> };
    expect(jt.metadata).toEqual({ name: "hello", creationTimestamp: null });
    // Job defaults are not applied inside a template; pod defaults are.
    expect(jt.spec.backoffLimit).toBeUndefined();
    expect((jt.spec.template as { spec: Record<string, unknown> }).spec.dnsPolicy).toBe("ClusterFirst");
    expect(obj.status).toEqual({});
    expect(cronJobStrategy.validate?.(obj)).toEqual([]);
  });

  test("schedule, policy, selector and template restart policy", () => {
    const b = structuredClone(body) as typeof body & { spec: Record<string, unknown> };
    b.spec.schedule = "61 * * * *";
    b.spec.concurrencyPolicy = "Sometimes";
    (b.spec.jobTemplate.spec as Record<string, unknown>).selector = { matchLabels: { a: "b" } };
    (b.spec.jobTemplate.spec.template.spec as Record<string, unknown>).restartPolicy = "Always";
    expect(createErrors(cronJobStrategy, b)).toEqual([
      'spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61',
      'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
      'spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated',
      'spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    ]);
    const noSchedule = structuredClone(body) as unknown as { spec: Record<string, unknown> };
    delete noSchedule.spec.schedule;
    expect(createErrors(cronJobStrategy, noSchedule)).toEqual(["spec.schedule: Required value"]);
  });
});
