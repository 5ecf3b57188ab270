import { describe, expect, test } from "bun:test";
import { jobStrategy } from "./job.ts";
import { created, createErrors, updateErrors } from "./strategy-harness.ts";

// `kubectl create job pi --image=perl`, decoded from its protobuf body.
const body = {
  metadata: { name: "pi" },
  spec: {
    template: {
      metadata: {},
      spec: { containers: [{ name: "pi", image: "perl", resources: {} }], restartPolicy: "Never" },
    },
  },
};
const UID = "6f5d1c3e-0000-4000-8000-000000000001";

describe("job", () => {
  test("defaults, generated selector and labels from the uid", () => {
    const obj = created(jobStrategy, body, UID);
    const labels = {
      "batch.kubernetes.io/controller-uid": UID,
      "batch.kubernetes.io/job-name": "pi",
      "controller-uid": UID,
      "job-name": "pi",
    };
    expect(obj.metadata.labels).toEqual(labels);
    const spec = obj.spec as Record<string, unknown>;
    expect(spec.selector).toEqual({ matchLabels: { "batch.kubernetes.io/controller-uid": UID } });
    expect((spec.template as { metadata: unknown }).metadata).toEqual({ creationTimestamp: null, labels });
    for (const [k, v] of Object.entries({
      backoffLimit: 6,
      completionMode: "NonIndexed",
      completions: 1,
      manualSelector: false,
      parallelism: 1,
      podReplacementPolicy: "TerminatingOrFailed",
      suspend: false,
    })) {
      expect(spec[k]).toEqual(v);
    }
    expect(obj.status).toEqual({});
    expect(jobStrategy.validate?.(obj)).toEqual([]);
    expect(jobStrategy.fields?.(obj)).toEqual({ "status.successful": "0" });
  });

  test("a job's pods may not restart Always", () => {
    const b = structuredClone(body);
    delete (b.spec.template.spec as Record<string, unknown>).restartPolicy;
    expect(createErrors(jobStrategy, b)).toEqual([
      'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    ]);
  });

  test("parallelism set alone leaves completions unset; indexed jobs need completions", () => {
    const b = structuredClone(body) as typeof body & { spec: Record<string, unknown> };
    b.spec.parallelism = 3;
    b.spec.completionMode = "Indexed";
    const obj = created(jobStrategy, b, UID);
    expect((obj.spec as Record<string, unknown>).completions).toBeUndefined();
    expect(createErrors(jobStrategy, b)).toEqual([
      "spec.completions: Required value: when completion mode is Indexed",
    ]);
  });

  test("manual selectors must match; template and selector are immutable", () => {
    const manual = structuredClone(body) as typeof body & { spec: Record<string, unknown> };
    manual.spec.manualSelector = true;
    manual.spec.selector = { matchLabels: { app: "x" } };
    expect(createErrors(jobStrategy, manual)).toEqual([
      "spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`",
    ]);
    const old = created(jobStrategy, body, UID);
    const next = structuredClone(old);
    (next.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec
      .containers[0]!.image = "perl:5";
    const errs = updateErrors(jobStrategy, next, old);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toStartWith("spec.template: Invalid value: ");
    expect(errs[0]).toEndWith(": field is immutable");
  });
});
