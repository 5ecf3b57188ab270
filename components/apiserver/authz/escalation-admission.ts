// RBAC's privilege-escalation prevention on writes of roles and bindings: a user may create or
// update a role only with rules they hold (or with `escalate` on it), and bind only a role whose
// rules they hold (or with `bind` on it). system:masters and the apiserver's own writes pass.
// Upstream: pkg/registry/rbac/{role,clusterrole,rolebinding,clusterrolebinding}/policybased,
// pkg/registry/rbac/escalation_check.go and validation/rule.go (ConfirmNoEscalation).
import type { AggregationRule, PolicyRule, RoleRef } from "kubernetes-types/rbac/v1";
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { Admission, AdmissionAttributes } from "../admission/admission-interface.ts";
import { GROUPS, type UserInfo } from "../authn/user-info.ts";
import type { KObject, Stored } from "../registry/object.ts";
import type { Entry } from "../registry/registry.ts";
import type { Authorizer } from "./authorizer.ts";
import { compactString, covers } from "./policy-rule.ts";
import type { RuleResolver } from "./rbac-authorizer.ts";

const GROUP = "rbac.authorization.k8s.io";
const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
  { verbs: ["*"], nonResourceURLs: ["*"] },
];

export interface EscalationDeps {
  authorizer: Authorizer;
  rules: RuleResolver;
}

/** Go's %q of a []string: `["a" "b"]`. */
function quoteList(xs: string[]): string {
  return `[${xs.map((x) => JSON.stringify(x)).join(" ")}]`;
}

/** upstream's CompactRules: simple rules differing only in verbs are merged. */
function compactRules(rules: PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const names = r.resourceNames ?? [];
    if (
      (r.apiGroups ?? []).length === 1 &&
      (r.resources ?? []).length === 1 &&
      names.length <= 1 &&
      !(r.nonResourceURLs ?? []).length
    ) {
      const key = JSON.stringify([r.apiGroups, r.resources, names]);
      const have = simple.get(key);
      if (have) have.verbs = [...have.verbs, ...r.verbs.filter((v) => !have.verbs.includes(v))];
      else {
        const copy = { ...r, verbs: [...r.verbs] };
        simple.set(key, copy);
        out.push(copy);
      }
    } else out.push(r);
  }
  return out;
}

/** Throws upstream's 403 unless `user` holds every rule of `rules` in `namespace`. */
export function confirmNoEscalation(
  deps: EscalationDeps,
  user: UserInfo,
  namespace: string,
  rules: PolicyRule[],
  target: { resource: string; name: string },
): void {
  const owner = deps.rules.resolveRules(user, namespace);
  const missing = covers(owner.rules, rules);
  if (missing.length === 0) return;
  const lines = [...new Set(compactRules(missing).map(compactString))].sort();
  let msg = `user ${JSON.stringify(user.username)} (groups=${quoteList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join("\n")}`;
  if (owner.errors.length > 0) msg += `; resolution errors: [${owner.errors.join(" ")}]`;
  throw StatusError.forbidden({ group: GROUP, resource: target.resource }, target.name, msg);
}

async function authorized(
  deps: EscalationDeps,
  user: UserInfo,
  verb: string,
  resource: string,
  namespace: string,
  name: string,
) {
  const r = await deps.authorizer.authorize({
    user,
    verb,
    isResourceRequest: true,
    path: "",
    apiGroup: GROUP,
    apiVersion: "*",
    namespace,
    resource,
    subresource: "",
    name,
  });
  return r.decision === "allow";
}

/** The parts of a role or binding whose change needs the check (upstream skips GC-only edits). */
function checked(obj: KObject): string {
  return JSON.stringify([obj.rules, obj.aggregationRule, obj.roleRef, obj.subjects]);
}

/** Runs the escalation check for one write of an RBAC object; other kinds pass untouched. */
export async function checkEscalation(
  deps: EscalationDeps,
  entry: Entry,
  obj: KObject,
  old: Stored | undefined,
  attrs: AdmissionAttributes,
): Promise<void> {
  const user = attrs.user;
  if (entry.info.group !== GROUP || !user || user.groups.includes(GROUPS.masters)) return;
  if (attrs.subresource) return;
  if (old && checked(old) === checked(obj)) return;
  const resource = entry.info.plural;
  const namespace = entry.info.namespaced ? (obj.metadata?.namespace ?? "") : "";
  const name = obj.metadata?.name ?? "";
  // The request's name: empty on create, as upstream's RequestInfo has it.
  const requestName = old ? name : "";
  if (resource === "roles" || resource === "clusterroles") {
    if (await authorized(deps, user, "escalate", resource, namespace, requestName)) return;
    const agg = obj.aggregationRule as AggregationRule | undefined;
    const aggChanged = JSON.stringify(agg ?? null) !== JSON.stringify(old?.aggregationRule ?? null);
    if (resource === "clusterroles" && (agg?.clusterRoleSelectors ?? []).length > 0 && aggChanged) {
      if (covers(deps.rules.resolveRules(user, namespace).rules, FULL_AUTHORITY).length > 0)
        throw StatusError.forbidden(
          { group: GROUP, resource },
          name,
          "must have cluster-admin privileges to use the aggregationRule",
        );
    }
    confirmNoEscalation(deps, user, namespace, (obj.rules as PolicyRule[] | undefined) ?? [], {
      resource,
      name,
    });
    return;
  }
  if (resource === "rolebindings" || resource === "clusterrolebindings") {
    const ref = obj.roleRef as RoleRef | undefined;
    if (!ref) return;
    const refResource = ref.kind === "Role" ? "roles" : "clusterroles";
    if (await authorized(deps, user, "bind", refResource, namespace, ref.name)) return;
    const { rules, error } = deps.rules.roleRefRules(ref, namespace);
    if (error) throw StatusError.forbidden({ group: GROUP, resource }, name, error);
    confirmNoEscalation(deps, user, namespace, rules, { resource, name });
  }
}

/** Wraps an admission chain with the escalation checks (the lead installs it with the authorizer). */
export function withEscalationChecks(inner: Admission, deps: EscalationDeps): Admission {
  return {
    async create(entry, obj, attrs) {
      await checkEscalation(deps, entry, obj, undefined, attrs);
      await inner.create(entry, obj, attrs);
    },
    async update(entry, obj, old, attrs) {
      await checkEscalation(deps, entry, obj, old, attrs);
      await inner.update(entry, obj, old, attrs);
    },
    ...(inner.validateDelete ? { validateDelete: inner.validateDelete.bind(inner) } : {}),
    deleted: (entry, obj) => inner.deleted(entry, obj),
  };
}
