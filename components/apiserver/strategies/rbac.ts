// The RBAC strategies (rbac.authorization.k8s.io/v1): rule validation for Roles and
// ClusterRoles, roleRef and subject defaults and validation for bindings, immutable roleRef.
// Upstream: pkg/apis/rbac/v1/defaults.go, pkg/apis/rbac/validation/validation.go.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import type { KObject } from "../registry/object.ts";
import type { Strategy } from "../registry/strategy.ts";
import { invalid, notSupported, required } from "../validation/field-errors.ts";
import { invalidShown } from "../validation/field-errors-extra.ts";
import { child, ensure, isObject, jsonEqual, list, objects, setDefault, str } from "../validation/json.ts";
import { labelSelector } from "../validation/label-selector.ts";
import { checkType } from "../validation/type-checks.ts";

const GROUP = "rbac.authorization.k8s.io";

/** upstream's ValidateRBACName (path.ValidatePathSegmentName): `system:node`, `testing-CR` are fine. */
export function rbacName(name: string): StatusCause[] {
  if (name === "." || name === "..") return [invalid("metadata.name", name, `may not be '${name}'`)];
  const out: StatusCause[] = [];
  for (const bad of ["/", "%"])
    if (name.includes(bad)) out.push(invalid("metadata.name", name, `may not contain '${bad}'`));
  return out;
}

function validateRules(obj: KObject, namespaced: boolean): StatusCause[] {
  if (obj.rules !== undefined && obj.rules !== null && !Array.isArray(obj.rules))
    return checkType("rules", obj.rules, "array");
  const out: StatusCause[] = [];
  list(obj, "rules").forEach((r, i) => {
    const at = `rules[${i}]`;
    if (!isObject(r)) {
      out.push(...checkType(at, r, "object"));
      return;
    }
    if (list(r, "verbs").length === 0)
      out.push(required(`${at}.verbs`, "verbs must contain at least one value"));
    const urls = list(r, "nonResourceURLs");
    if (urls.length > 0) {
      const shown = `[]string{${urls.map((u) => JSON.stringify(String(u))).join(", ")}}`;
      if (namespaced)
        out.push(
          invalidShown(`${at}.nonResourceURLs`, shown, "namespaced rules cannot apply to non-resource URLs"),
        );
      if (list(r, "apiGroups").length > 0 || list(r, "resources").length > 0) {
        out.push(
          invalidShown(
            `${at}.nonResourceURLs`,
            shown,
            "rules cannot apply to both regular resources and non-resource URLs",
          ),
        );
      }
      return;
    }
    if (list(r, "apiGroups").length === 0)
      out.push(required(`${at}.apiGroups`, "resource rules must supply at least one api group"));
    if (list(r, "resources").length === 0)
      out.push(required(`${at}.resources`, "resource rules must supply at least one resource"));
  });
  return out;
}

export const roleStrategy: Strategy = { validateName: rbacName, validate: (obj) => validateRules(obj, true) };

export const clusterRoleStrategy: Strategy = {
  validateName: rbacName,
  validate(obj) {
    const out = validateRules(obj, false);
    const agg = child(obj, "aggregationRule");
    if (agg) {
      objects(agg, "clusterRoleSelectors").forEach(([s, i]) => {
        out.push(...labelSelector(`aggregationRule.clusterRoleSelectors[${i}]`, s));
      });
    }
    return out;
  },
};

function bindingDefaults(obj: KObject): void {
  const ref = ensure(obj, "roleRef");
  if (ref) setDefault(ref, "apiGroup", GROUP);
  for (const [s] of objects(obj, "subjects")) {
    if (s.apiGroup === undefined || s.apiGroup === null || s.apiGroup === "") {
      s.apiGroup = s.kind === "User" || s.kind === "Group" ? GROUP : "";
    }
  }
}

function validateBinding(obj: KObject, kinds: string[], namespaced: boolean): StatusCause[] {
  const out: StatusCause[] = [];
  const ref = obj.roleRef;
  if (!isObject(ref)) return ref === undefined ? [required("roleRef")] : checkType("roleRef", ref, "object");
  if (ref.apiGroup !== GROUP) out.push(notSupported("roleRef.apiGroup", ref.apiGroup ?? "", [GROUP]));
  if (!kinds.includes(ref.kind as string)) out.push(notSupported("roleRef.kind", ref.kind ?? "", kinds));
  if (!ref.name) out.push(required("roleRef.name"));
  if (obj.subjects !== undefined && obj.subjects !== null && !Array.isArray(obj.subjects)) {
    return [...out, ...checkType("subjects", obj.subjects, "array")];
  }
  list(obj, "subjects").forEach((s, i) => {
    const at = `subjects[${i}]`;
    if (!isObject(s)) {
      out.push(...checkType(at, s, "object"));
      return;
    }
    if (!s.name) out.push(required(`${at}.name`));
    switch (s.kind) {
      case "ServiceAccount":
        if (s.apiGroup !== "") out.push(notSupported(`${at}.apiGroup`, s.apiGroup, [""]));
        if (!namespaced && !s.namespace) out.push(required(`${at}.namespace`));
        break;
      case "User":
      case "Group":
        if (s.apiGroup !== GROUP) out.push(notSupported(`${at}.apiGroup`, s.apiGroup ?? "", [GROUP]));
        break;
      default:
        out.push(notSupported(`${at}.kind`, s.kind ?? "", ["ServiceAccount", "User", "Group"]));
    }
  });
  return out;
}

function roleRefUpdate(obj: KObject, old: KObject): StatusCause[] {
  if (jsonEqual(obj.roleRef, old.roleRef)) return [];
  const r = child(obj, "roleRef");
  const shown = `rbac.RoleRef{APIGroup:${JSON.stringify(str(r, "apiGroup") ?? "")}, Kind:${JSON.stringify(str(r, "kind") ?? "")}, Name:${JSON.stringify(str(r, "name") ?? "")}}`;
  return [invalidShown("roleRef", shown, "cannot change roleRef")];
}

export const roleBindingStrategy: Strategy = {
  validateName: rbacName,
  defaults: bindingDefaults,
  validate: (obj) => validateBinding(obj, ["Role", "ClusterRole"], true),
  validateUpdate: roleRefUpdate,
};

export const clusterRoleBindingStrategy: Strategy = {
  validateName: rbacName,
  defaults: bindingDefaults,
  validate: (obj) => validateBinding(obj, ["ClusterRole"], false),
  validateUpdate: roleRefUpdate,
};
