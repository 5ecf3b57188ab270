import { describe, expect, test } from "bun:test";
import { patchMetaFor } from "./builtin-patch-meta.ts";
import { fieldMeta, listKind, type PatchMeta } from "./patch-meta.ts";

function at(meta: PatchMeta | undefined, ...path: string[]): PatchMeta | undefined {
  return path.reduce<PatchMeta | undefined>((current, key) => fieldMeta(current, key), meta);
}

describe("patchMetaFor", () => {
  test("every pod template holder reaches the pod spec", () => {
    const holders: [string, string, string[]][] = [
      ["apps/v1", "Deployment", ["spec", "template", "spec"]],
      ["apps/v1", "ReplicaSet", ["spec", "template", "spec"]],
      ["apps/v1", "DaemonSet", ["spec", "template", "spec"]],
      ["apps/v1", "StatefulSet", ["spec", "template", "spec"]],
      ["v1", "ReplicationController", ["spec", "template", "spec"]],
      ["v1", "PodTemplate", ["template", "spec"]],
      ["batch/v1", "Job", ["spec", "template", "spec"]],
      ["batch/v1", "CronJob", ["spec", "jobTemplate", "spec", "template", "spec"]],
      ["v1", "Pod", ["spec"]],
    ];
    for (const [apiVersion, kind, path] of holders) {
      const podSpec = at(patchMetaFor(apiVersion, kind), ...path);
      expect({ kind, containers: at(podSpec, "containers")?.mergeKey }).toEqual({ kind, containers: "name" });
      expect(at(podSpec, "containers", "ports")?.mergeKey).toBe("containerPort");
    }
  });

  test("pod spec and container facts from the Go struct tags", () => {
    const spec = at(patchMetaFor("v1", "Pod"), "spec");
    expect(at(spec, "volumes")).toMatchObject({ strategy: "merge", mergeKey: "name", retainKeys: true });
    for (const list of ["initContainers", "ephemeralContainers", "imagePullSecrets", "schedulingGates"]) {
      expect(at(spec, list)?.mergeKey).toBe("name");
    }
    expect(at(spec, "hostAliases")?.mergeKey).toBe("ip");
    expect(at(spec, "topologySpreadConstraints")?.mergeKey).toBe("topologyKey");
    expect(at(spec, "resourceClaims")).toMatchObject({ mergeKey: "name", retainKeys: true });
    expect(at(spec, "tolerations")?.strategy).toBeUndefined();
    expect(at(spec, "containers", "env")?.mergeKey).toBe("name");
    expect(at(spec, "containers", "envFrom")?.strategy).toBeUndefined();
    expect(at(spec, "containers", "volumeMounts")?.mergeKey).toBe("mountPath");
    expect(at(spec, "containers", "volumeDevices")?.mergeKey).toBe("devicePath");
    expect(at(spec, "containers", "args")?.strategy).toBeUndefined();
  });

  test("metadata, status and other kinds", () => {
    const pod = patchMetaFor("v1", "Pod");
    expect(at(pod, "metadata", "ownerReferences")?.mergeKey).toBe("uid");
    expect(listKind(at(pod, "metadata", "finalizers"))).toEqual({ type: "set" });
    expect(at(pod, "metadata", "labels")).toBeUndefined();
    expect(at(pod, "status", "conditions")?.mergeKey).toBe("type");
    expect(at(pod, "status", "podIPs")?.mergeKey).toBe("ip");
    expect(at(patchMetaFor("v1", "Service"), "spec", "ports")?.mergeKey).toBe("port");
    expect(listKind(at(patchMetaFor("v1", "Node"), "spec", "podCIDRs"))).toEqual({ type: "set" });
    expect(at(patchMetaFor("v1", "Node"), "spec", "taints")).toBeUndefined();
    expect(at(patchMetaFor("v1", "Node"), "status", "addresses")?.mergeKey).toBe("type");
    expect(at(patchMetaFor("v1", "ServiceAccount"), "secrets")?.mergeKey).toBe("name");
    expect(at(patchMetaFor("apps/v1", "Deployment"), "spec", "strategy")?.retainKeys).toBe(true);
    expect(at(patchMetaFor("apps/v1", "Deployment"), "status", "conditions")?.mergeKey).toBe("type");
    for (const [apiVersion, kind] of [
      ["v1", "ConfigMap"],
      ["v1", "Secret"],
      ["v1", "Namespace"],
      ["v1", "Endpoints"],
      ["v1", "PersistentVolumeClaim"],
      ["rbac.authorization.k8s.io/v1", "ClusterRole"],
    ] as const) {
      expect(patchMetaFor(apiVersion, kind)).toBeDefined();
    }
  });

  test("SSA list keys: container ports are keyed by containerPort and protocol", () => {
    const ports = at(patchMetaFor("v1", "Pod"), "spec", "containers", "ports");
    expect(listKind(ports)).toEqual({ type: "map", keys: ["containerPort", "protocol"] });
    expect(listKind(at(patchMetaFor("v1", "Pod"), "spec", "tolerations"))).toEqual({ type: "atomic" });
    const claims = at(patchMetaFor("v1", "Pod"), "spec", "containers", "resources", "claims");
    expect(listKind(claims)).toEqual({ type: "map", keys: ["name"] });
    expect(claims?.strategy).toBeUndefined();
  });

  test("custom resources and unknown versions have none (SMP is a 415 for them)", () => {
    expect(patchMetaFor("example.com/v1", "Widget")).toBeUndefined();
    expect(patchMetaFor("apps/v1beta1", "Deployment")).toBeUndefined();
    expect(patchMetaFor("v1", "toString")).toBeUndefined();
    expect(patchMetaFor("constructor", "Pod")).toBeUndefined();
  });
});
