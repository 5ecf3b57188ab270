import { describe, expect, test } from "bun:test";
import {
  clusterRoleBindingStrategy,
  clusterRoleStrategy,
  roleBindingStrategy,
  roleStrategy,
} from "./rbac.ts";
import { created, createErrors, updateErrors } from "./strategy-harness.ts";

describe("rbac", () => {
  test("role rules", () => {
    expect(
      createErrors(roleStrategy, {
        rules: [
          { verbs: ["get"], resources: ["pods"] },
          { nonResourceURLs: ["/healthz"], verbs: ["get"] },
        ],
      }),
    ).toEqual([
      "rules[0].apiGroups: Required value: resource rules must supply at least one api group",
      'rules[1].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs',
    ]);
    expect(
      createErrors(clusterRoleStrategy, {
        rules: [
          { nonResourceURLs: ["/healthz"], verbs: ["get"] },
          { apiGroups: [""], resources: ["pods"] },
        ],
      }),
    ).toEqual(["rules[1].verbs: Required value: verbs must contain at least one value"]);
  });

  test("binding defaults and validation", () => {
    const obj = created(roleBindingStrategy, {
      metadata: { name: "b", namespace: "default" },
      roleRef: { kind: "ClusterRole", name: "view" },
      subjects: [
        { kind: "User", name: "alice" },
        { kind: "ServiceAccount", name: "default", namespace: "default" },
      ],
    });
    expect(obj.roleRef).toEqual({ kind: "ClusterRole", name: "view", apiGroup: "rbac.authorization.k8s.io" });
    expect(obj.subjects).toEqual([
      { kind: "User", name: "alice", apiGroup: "rbac.authorization.k8s.io" },
      { kind: "ServiceAccount", name: "default", namespace: "default", apiGroup: "" },
    ]);
    expect(roleBindingStrategy.validate?.(obj)).toEqual([]);
    expect(
      createErrors(clusterRoleBindingStrategy, {
        roleRef: { kind: "Role", name: "r" },
        subjects: [
          { kind: "ServiceAccount", name: "sa" },
          { kind: "Robot", name: "r2" },
        ],
      }),
    ).toEqual([
      'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
      "subjects[0].namespace: Required value",
      'subjects[1].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
    ]);
  });

  test("roleRef cannot change", () => {
    const old = created(clusterRoleBindingStrategy, {
      metadata: { name: "b" },
      roleRef: { kind: "ClusterRole", name: "view" },
    });
    const next = structuredClone(old);
    next.roleRef = { kind: "ClusterRole", name: "edit", apiGroup: "rbac.authorization.k8s.io" };
    expect(updateErrors(clusterRoleBindingStrategy, next, old, false)).toEqual([
      'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef',
    ]);
  });
});
