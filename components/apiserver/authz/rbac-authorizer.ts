// The RBAC authorizer: allows a request when a rule of a role bound to the user allows it,
// otherwise no opinion (with the resolution errors as the reason). Also resolves every rule of
// a user for SelfSubjectRulesReview and the escalation checks. Upstream:
// plugin/pkg/auth/authorizer/rbac/rbac.go, pkg/registry/rbac/validation/rule.go.
import type { PolicyRule, RoleRef, Subject } from "kubernetes-types/rbac/v1";
import type { UserInfo } from "../authn/user-info.ts";
import type { Registry } from "../registry/registry.ts";
import type { Attributes, Authorizer, AuthorizerResult } from "./authorizer.ts";
import { ruleAllows } from "./policy-rule.ts";
import { appliesTo, RbacIndex, userKeys } from "./rbac-index.ts";
import { WatchedObjects } from "./watched-objects.ts";

/** The rules a user holds in a namespace ("" for cluster-wide only), and what could not be read. */
export interface RuleResolver {
  resolveRules(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] };
  /** The rules of a role a binding refers to (escalation checks of bindings). */
  roleRefRules(ref: RoleRef, bindingNamespace: string): { rules: PolicyRule[]; error?: string };
}

/** Called per rule; returns false to stop. `source` names the binding, as upstream's describers. */
type Visitor = (source: () => string, rule: PolicyRule | undefined, error: string | undefined) => boolean;

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === "ServiceAccount")
    return `${s.kind} ${JSON.stringify(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${JSON.stringify(s.name)}`;
}

export class RbacAuthorizer implements Authorizer, RuleResolver {
  private caches: WatchedObjects[] = [];

  constructor(readonly index: RbacIndex = new RbacIndex()) {}

  /** Fills the index from the registry and follows it; resolves when the first lists are in. */
  static async start(registry: Registry, log?: (line: string) => void): Promise<RbacAuthorizer> {
    const authz = new RbacAuthorizer();
    const g = "rbac.authorization.k8s.io";
    const feeds: [string, (c: Parameters<RbacIndex["onRole"]>[0]) => void][] = [
      ["clusterroles", authz.index.onClusterRole],
      ["roles", authz.index.onRole],
      ["clusterrolebindings", authz.index.onClusterRoleBinding],
      ["rolebindings", authz.index.onRoleBinding],
    ];
    for (const [plural, feed] of feeds) {
      const entry = registry.lookup(g, "v1", plural);
      if (!entry) throw new Error(`RBAC needs ${plural}.${g} to be served`);
      authz.caches.push(new WatchedObjects(entry.store, feed, log));
    }
    await Promise.all(authz.caches.map((c) => c.start()));
    return authz;
  }

  stop(): void {
    for (const c of this.caches) c.stop();
  }

  roleRefRules(ref: RoleRef, bindingNamespace: string): { rules: PolicyRule[]; error?: string } {
    if (ref.kind === "ClusterRole") {
      const role = this.index.clusterRoles.get(ref.name);
      return role
        ? { rules: role.rules }
        : { rules: [], error: `clusterrole.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found` };
    }
    if (ref.kind === "Role") {
      const role = this.index.roles.get(`${bindingNamespace}/${ref.name}`);
      return role
        ? { rules: role.rules }
        : { rules: [], error: `role.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found` };
    }
    return { rules: [], error: `unsupported role reference kind: ${JSON.stringify(ref.kind)}` };
  }

  /** upstream's VisitRulesFor: ClusterRoleBindings first, then the namespace's RoleBindings. */
  visitRulesFor(user: UserInfo, namespace: string, visit: Visitor): void {
    const keys = new Set(userKeys(user));
    for (const b of this.index.clusterBindingsFor(user)) {
      const subject = (b.subjects ?? []).find((s) => appliesTo(keys, s, ""));
      if (!subject) continue;
      const source = () =>
        `ClusterRoleBinding ${JSON.stringify(b.metadata?.name)} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${describeSubject(subject, "")}`;
      const { rules, error } = this.roleRefRules(b.roleRef, "");
      if (error && !visit(source, undefined, error)) return;
      for (const rule of rules) if (!visit(source, rule, undefined)) return;
    }
    if (!namespace) return;
    for (const b of this.index.roleBindingsFor(user, namespace)) {
      const subject = (b.subjects ?? []).find((s) => appliesTo(keys, s, namespace));
      if (!subject) continue;
      const source = () =>
        `RoleBinding ${JSON.stringify(`${b.metadata?.name}/${namespace}`)} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${describeSubject(subject, namespace)}`;
      const { rules, error } = this.roleRefRules(b.roleRef, namespace);
      if (error && !visit(source, undefined, error)) return;
      for (const rule of rules) if (!visit(source, rule, undefined)) return;
    }
  }

  authorize(attrs: Attributes): AuthorizerResult {
    let allowedBy: (() => string) | undefined;
    const errors: string[] = [];
    this.visitRulesFor(attrs.user, attrs.namespace, (source, rule, error) => {
      if (error) errors.push(error);
      if (rule && ruleAllows(attrs, rule)) {
        allowedBy = source;
        return false;
      }
      return true;
    });
    if (allowedBy) return { decision: "allow", reason: `RBAC: allowed by ${allowedBy()}` };
    if (errors.length === 0) return { decision: "noOpinion" };
    return { decision: "noOpinion", reason: `RBAC: ${aggregate(errors)}` };
  }

  resolveRules(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    this.visitRulesFor(user, namespace, (_source, rule, error) => {
      if (error) errors.push(error);
      if (rule) rules.push(rule);
      return true;
    });
    return { rules, errors };
  }
}

/** Go's utilerrors.Aggregate text: one error as is, several as `[a, b]`. */
export function aggregate(errors: string[]): string {
  return errors.length === 1 ? (errors[0] as string) : `[${errors.join(", ")}]`;
}
