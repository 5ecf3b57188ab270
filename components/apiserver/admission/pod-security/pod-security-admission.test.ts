// The PodSecurity plugin over fake namespaces and pods: label parsing, enforce/warn, exemptions,
// workload templates, pod updates, namespace label validation and the existing-pods warnings.
import { describe, expect, test } from "bun:test";
import type { Pod } from "kubernetes-types/core/v1";
import { StatusError } from "../../../../lib/errors/status-error.ts";
import { kubeServerPodSecurityConfig } from "./kube-server-pod-security.ts";
import { PodSecurityAdmission, type PodSecurityRequest } from "./pod-security-admission.ts";
import { defaultPodSecurityConfig, type PodSecurityConfig } from "./pod-security-config.ts";
import { parseVersion, policyToEvaluate } from "./policy-level.ts";

const PRIVILEGED_POD = {
  metadata: { name: "x", namespace: "app" },
  spec: { containers: [{ name: "c", image: "busybox", securityContext: { privileged: true } }] },
};

function plugin(
  labels: Record<string, Record<string, string>>,
  pods: Pod[] = [],
  config?: PodSecurityConfig,
) {
  return new PodSecurityAdmission({
    config: config ?? defaultPodSecurityConfig(),
    namespaceLabels: async (name) => labels[name],
    listPods: async (ns) => pods.filter((p) => p.metadata?.namespace === ns),
  });
}

const podCreate = (
  obj: Record<string, unknown>,
  extra: Partial<PodSecurityRequest> = {},
): PodSecurityRequest => ({
  operation: "CREATE",
  group: "",
  resource: "pods",
  subresource: "",
  namespace: "app",
  name: "x",
  obj,
  ...extra,
});

async function refusal(p: Promise<unknown>): Promise<StatusError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof StatusError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("namespace labels", () => {
  test("levels and versions parse, bad values are causes with upstream's text", () => {
    const { policy, errors } = policyToEvaluate(
      {
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "v1.29",
        "pod-security.kubernetes.io/warn": "nope",
        "pod-security.kubernetes.io/audit-version": "1.2",
      },
      defaultPodSecurityConfig().defaults,
    );
    expect(policy.enforce).toEqual({ level: "restricted", version: { latest: false, minor: 29 } });
    expect(policy.warn.level).toBe("privileged");
    expect(errors).toEqual([
      {
        reason: "FieldValueInvalid",
        field: "metadata.labels[pod-security.kubernetes.io/audit-version]",
        message: 'Invalid value: "1.2": must be "latest" or "v1.x"',
      },
      {
        reason: "FieldValueInvalid",
        field: "metadata.labels[pod-security.kubernetes.io/warn]",
        message: 'Invalid value: "nope": must be one of privileged, baseline, restricted',
      },
    ]);
    expect(parseVersion("v1.01").error).toBeDefined();
    expect(parseVersion("v2.0").error).toBeDefined();
    expect(parseVersion("latest").version).toEqual({ latest: true });
  });

  test("a bad enforce level fails closed (restricted)", () => {
    const { policy } = policyToEvaluate(
      { "pod-security.kubernetes.io/enforce": "x" },
      defaultPodSecurityConfig().defaults,
    );
    expect(policy.enforce.level).toBe("restricted");
  });
});

describe("pods", () => {
  test("enforce refuses with 403 and upstream's message", async () => {
    const p = plugin({ app: { "pod-security.kubernetes.io/enforce": "baseline" } });
    const err = await refusal(p.validate(podCreate(PRIVILEGED_POD)));
    expect(err.code).toBe(403);
    expect(err.status.reason).toBe("Forbidden");
    expect(err.message).toBe(
      'pods "x" is forbidden: violates PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)',
    );
  });

  test("warn returns upstream's warning and admits", async () => {
    const p = plugin({
      app: {
        "pod-security.kubernetes.io/warn": "baseline",
        "pod-security.kubernetes.io/warn-version": "v1.30",
      },
    });
    expect(await p.validate(podCreate(PRIVILEGED_POD))).toEqual([
      'would violate PodSecurity "baseline:v1.30": privileged (container "c" must not set securityContext.privileged=true)',
    ]);
  });

  test("no labels and the default config: everything privileged", async () => {
    expect(await plugin({ app: {} }).validate(podCreate(PRIVILEGED_POD))).toEqual([]);
  });

  test("exempt namespaces, users and runtime classes", async () => {
    const config = defaultPodSecurityConfig();
    config.defaults.enforce.level = "restricted";
    config.exemptions = { namespaces: ["ops"], usernames: ["admin"], runtimeClasses: ["kata"] };
    const p = plugin({ app: {}, ops: {} }, [], config);
    expect(await p.validate(podCreate(PRIVILEGED_POD, { namespace: "ops" }))).toEqual([]);
    expect(await p.validate(podCreate(PRIVILEGED_POD, { username: "admin" }))).toEqual([]);
    const kata = { ...PRIVILEGED_POD, spec: { ...PRIVILEGED_POD.spec, runtimeClassName: "kata" } };
    expect(await p.validate(podCreate(kata))).toEqual([]);
    expect((await refusal(p.validate(podCreate(PRIVILEGED_POD, { username: "bob" })))).code).toBe(403);
  });

  test("kube server's defaults: baseline in user namespaces, kube-system exempt", async () => {
    const p = plugin({ app: {}, "kube-system": {} }, [], kubeServerPodSecurityConfig());
    const hostPid = { metadata: { name: "x" }, spec: { hostPID: true, containers: [{ name: "c" }] } };
    expect((await refusal(p.validate(podCreate(hostPid)))).message).toBe(
      'pods "x" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostPID=true)',
    );
    expect(await p.validate(podCreate(hostPid, { namespace: "kube-system" }))).toEqual([]);
  });

  test("ignored subresources and insignificant updates pass", async () => {
    const p = plugin({ app: { "pod-security.kubernetes.io/enforce": "restricted" } });
    expect(
      await p.validate(podCreate(PRIVILEGED_POD, { subresource: "status", operation: "UPDATE" })),
    ).toEqual([]);
    const relabel = { ...PRIVILEGED_POD, metadata: { ...PRIVILEGED_POD.metadata, labels: { a: "b" } } };
    expect(await p.validate(podCreate(relabel, { operation: "UPDATE", old: PRIVILEGED_POD }))).toEqual([]);
    const newImage = {
      ...PRIVILEGED_POD,
      spec: { containers: [{ ...PRIVILEGED_POD.spec.containers[0], image: "nginx" }] },
    };
    expect(
      (await refusal(p.validate(podCreate(newImage, { operation: "UPDATE", old: PRIVILEGED_POD })))).code,
    ).toBe(403);
  });

  test("a missing namespace is an internal error", async () => {
    const p = plugin({});
    expect((await refusal(p.validate(podCreate(PRIVILEGED_POD)))).code).toBe(500);
  });
});

describe("workloads", () => {
  const deployment = {
    metadata: { name: "web", namespace: "app" },
    spec: { template: { metadata: {}, spec: PRIVILEGED_POD.spec } },
  };
  test("warn only, never enforce, on pod templates", async () => {
    const p = plugin({
      app: {
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/warn": "baseline",
      },
    });
    const req = { ...podCreate(deployment), group: "apps", resource: "deployments", name: "web" };
    expect(await p.validate(req)).toEqual([
      'would violate PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)',
    ]);
    const cronjob = { spec: { jobTemplate: { spec: { template: { spec: PRIVILEGED_POD.spec } } } } };
    expect(await p.validate({ ...req, group: "batch", resource: "cronjobs", obj: cronjob })).toHaveLength(1);
    expect(await p.validate({ ...req, subresource: "scale", operation: "UPDATE" })).toEqual([]);
    expect(p.handles("", "configmaps")).toBe(false);
  });
});

describe("namespaces", () => {
  const ns = (labels: Record<string, string>, name = "app") => ({ metadata: { name, labels } });
  const nsReq = (obj: Record<string, unknown>, old?: Record<string, unknown>): PodSecurityRequest => ({
    operation: old ? "UPDATE" : "CREATE",
    group: "",
    resource: "namespaces",
    subresource: "",
    namespace: "",
    name: (obj.metadata as { name: string }).name,
    obj,
    ...(old ? { old } : {}),
  });

  test("invalid labels are refused with 422 on create and on a changing update", async () => {
    const p = plugin({});
    const err = await refusal(p.validate(nsReq(ns({ "pod-security.kubernetes.io/enforce": "strict" }))));
    expect(err.code).toBe(422);
    expect(err.message).toBe(
      'Namespace "app" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted',
    );
    const bad = ns({ "pod-security.kubernetes.io/enforce": "strict" });
    expect(
      await p.validate(nsReq({ ...bad, metadata: { ...bad.metadata, annotations: { a: "b" } } }, bad)),
    ).toEqual([]);
  });

  test("a stricter enforce level warns about the existing pods, grouped as upstream", async () => {
    const mk = (name: string, spec: Pod["spec"], owner?: string): Pod => ({
      metadata: {
        name,
        namespace: "app",
        ...(owner
          ? {
              ownerReferences: [
                { apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: owner, controller: true },
              ],
            }
          : {}),
      },
      spec,
    });
    const hostPid = { hostPID: true, containers: [{ name: "c" }] };
    const pods = [
      mk("web-2", hostPid, "u1"),
      mk("web-1", hostPid, "u1"),
      mk("solo", { containers: [{ name: "c", securityContext: { privileged: true } }] }),
      mk("fine", { containers: [{ name: "c" }] }),
    ];
    const p = plugin({}, pods);
    const warnings = await p.validate(
      nsReq(ns({ "pod-security.kubernetes.io/enforce": "baseline" }), ns({})),
    );
    expect(warnings).toEqual([
      'existing pods in namespace "app" violate the new PodSecurity enforce level "baseline:latest"',
      "solo: privileged",
      "web-1 (and 1 other pod): host namespaces",
    ]);
    // Relaxing, or keeping the level, checks nothing.
    const strict = ns({ "pod-security.kubernetes.io/enforce": "restricted" });
    expect(await p.validate(nsReq(ns({ "pod-security.kubernetes.io/enforce": "baseline" }), strict))).toEqual(
      [],
    );
  });

  test("an exempt namespace with a policy label gets upstream's warning", async () => {
    const p = plugin({}, [], kubeServerPodSecurityConfig());
    const labelled = ns({ "pod-security.kubernetes.io/enforce": "restricted" }, "kube-system");
    expect(await p.validate(nsReq(labelled, ns({}, "kube-system")))).toEqual([
      'namespace "kube-system" is exempt from Pod Security, and the policy (enforce=restricted:latest) will be ignored',
    ]);
  });
});
