import { describe, expect, test } from "bun:test";
import { statefulSetStrategy } from "./stateful-set.ts";
import { created, createErrors, updateErrors } from "./strategy-harness.ts";

const body = {
  metadata: { name: "web" },
  spec: {
    serviceName: "nginx",
    selector: { matchLabels: { app: "nginx" } },
    template: {
      metadata: { labels: { app: "nginx" } },
      spec: { containers: [{ name: "nginx", image: "nginx" }] },
    },
    volumeClaimTemplates: [
      {
        metadata: { name: "www" },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
      },
    ],
  },
};

describe("statefulset", () => {
  test("defaults as a v1.32 cluster stores them", () => {
    const obj = created(statefulSetStrategy, body);
    const spec = obj.spec as Record<string, unknown>;
    expect(spec.podManagementPolicy).toBe("OrderedReady");
    expect(spec.updateStrategy).toEqual({ type: "RollingUpdate", rollingUpdate: { partition: 0 } });
    expect(spec.persistentVolumeClaimRetentionPolicy).toEqual({
      whenDeleted: "Retain",
      whenScaled: "Retain",
    });
    expect(spec.replicas).toBe(1);
    expect(spec.revisionHistoryLimit).toBe(10);
    expect(spec.volumeClaimTemplates).toEqual([
      {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: "www", creationTimestamp: null },
        spec: {
          accessModes: ["ReadWriteOnce"],
          resources: { requests: { storage: "1Gi" } },
          volumeMode: "Filesystem",
        },
        status: { phase: "Pending" },
      },
    ]);
    expect(obj.status).toEqual({ replicas: 0, availableReplicas: 0 });
    expect(statefulSetStrategy.validate?.(obj)).toEqual([]);
  });

  test("validation", () => {
    const b = structuredClone(body) as typeof body & { spec: Record<string, unknown> };
    b.spec.podManagementPolicy = "Random";
    (b.spec as Record<string, unknown>).selector = {};
    expect(createErrors(statefulSetStrategy, b)).toEqual([
      `spec.podManagementPolicy: Invalid value: "Random": must be 'OrderedReady' or 'Parallel'`,
      "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset",
    ]);
  });

  test("only some spec fields may change", () => {
    const old = created(statefulSetStrategy, body);
    const scaled = structuredClone(old);
    (scaled.spec as Record<string, unknown>).replicas = 5;
    expect(updateErrors(statefulSetStrategy, scaled, old)).toEqual([]);
    const renamed = structuredClone(old);
    (renamed.spec as Record<string, unknown>).serviceName = "other";
    expect(updateErrors(statefulSetStrategy, renamed, old)).toEqual([
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
  });
});
