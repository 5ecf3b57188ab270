import { describe, expect, test } from "bun:test";
import { deploymentStrategy } from "./deployment.ts";
import { created, createErrors, updateErrors } from "./strategy-harness.ts";

// `kubectl create deployment nginx --image=nginx`, decoded from its protobuf body.
const body = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "nginx", labels: { app: "nginx" } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: "nginx" } },
    template: {
      metadata: { labels: { app: "nginx" } },
      spec: { containers: [{ name: "nginx", image: "nginx", resources: {} }] },
    },
    strategy: {},
  },
  status: {},
};

describe("deployment", () => {
  test("defaults as a v1.32 cluster stores them", () => {
    const obj = created(deploymentStrategy, body);
    expect(obj.spec).toEqual({
      progressDeadlineSeconds: 600,
      replicas: 1,
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: "nginx" } },
      strategy: { rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" }, type: "RollingUpdate" },
      template: {
        metadata: { creationTimestamp: null, labels: { app: "nginx" } },
        spec: {
          containers: [
            {
              image: "nginx",
              imagePullPolicy: "Always",
              name: "nginx",
              resources: {},
              terminationMessagePath: "/dev/termination-log",
              terminationMessagePolicy: "File",
            },
          ],
          dnsPolicy: "ClusterFirst",
          restartPolicy: "Always",
          schedulerName: "default-scheduler",
          securityContext: {},
          terminationGracePeriodSeconds: 30,
        },
      },
    });
    expect(obj.status).toEqual({});
    expect(deploymentStrategy.validate?.(obj)).toEqual([]);
    expect(deploymentStrategy.generation).toBe(true);
  });

  test("ports in templates get TCP (describe prints 80/TCP)", () => {
    const b = structuredClone(body);
    (b.spec.template.spec.containers[0] as Record<string, unknown>).ports = [{ containerPort: 80 }];
    const obj = created(deploymentStrategy, b);
    const spec = obj.spec as { template: { spec: { containers: { ports: unknown[] }[] } } };
    expect(spec.template.spec.containers[0]?.ports).toEqual([{ containerPort: 80, protocol: "TCP" }]);
  });

  test("selector must match the template labels", () => {
    const b = structuredClone(body);
    b.spec.selector.matchLabels.app = "web";
    expect(createErrors(deploymentStrategy, b)).toEqual([
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"nginx"}: `selector` does not match template `labels`',
    ]);
  });

  test("missing selector, empty selector, negative replicas, bad strategy", () => {
    const b = structuredClone(body) as Record<string, unknown> & { spec: Record<string, unknown> };
    delete b.spec.selector;
    b.spec.replicas = -1;
    b.spec.strategy = { type: "Sometimes" };
    expect(createErrors(deploymentStrategy, b)).toEqual([
      "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
      "spec.selector: Required value",
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"nginx"}: `selector` does not match template `labels`',
      'spec.strategy.type: Unsupported value: "Sometimes": supported values: "Recreate", "RollingUpdate"',
    ]);
    const e = structuredClone(body);
    (e.spec as Record<string, unknown>).selector = {};
    expect(createErrors(deploymentStrategy, e)).toEqual([
      "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment",
    ]);
  });

  test("rolling update bounds and template restart policy", () => {
    const b = structuredClone(body) as typeof body & { spec: Record<string, unknown> };
    b.spec.strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: "0%" } };
    (b.spec.template.spec as Record<string, unknown>).restartPolicy = "Never";
    expect(createErrors(deploymentStrategy, b)).toEqual([
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"0%"}: may not be 0 when `maxSurge` is 0',
    ]);
  });

  test("wrong types give causes", () => {
    const b = structuredClone(body) as typeof body & { spec: Record<string, unknown> };
    (b.spec as Record<string, unknown>).replicas = "three";
    b.spec.template = "x" as unknown as typeof body.spec.template;
    const errs = createErrors(deploymentStrategy, b);
    expect(errs).toContain('spec.replicas: Invalid value: "three": must be of type integer');
    expect(errs).toContain('spec.template: Invalid value: "x": must be of type object');
    expect(createErrors(deploymentStrategy, { spec: "nope" })).toEqual([
      'spec: Invalid value: "nope": must be of type object',
    ]);
  });

  test("selector is immutable; annotations bump the generation", () => {
    const old = created(deploymentStrategy, body);
    const next = structuredClone(old);
    (next.spec as { selector: unknown }).selector = { matchLabels: { app: "nginx2" } };
    (next.spec as { template: { metadata: { labels: unknown } } }).template.metadata.labels = {
      app: "nginx2",
    };
    expect(updateErrors(deploymentStrategy, next, old)).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"nginx2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
    const annotated = structuredClone(old);
    annotated.metadata.annotations = { "deployment.kubernetes.io/revision": "2" };
    expect(deploymentStrategy.generationChanged?.(annotated, old)).toBe(true);
    expect(deploymentStrategy.generationChanged?.(structuredClone(old), old)).toBe(false);
  });
});
