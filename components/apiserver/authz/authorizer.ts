// What an authorizer is asked and what it answers: upstream's authorizer.Attributes and
// Decision (k8s.io/apiserver pkg/authorization/authorizer/interfaces.go). RBAC, Node and
// AlwaysAllow implement it; a union asks each in --authorization-mode order.
import type { PolicyRule } from "kubernetes-types/rbac/v1";
import type { UserInfo } from "../authn/user-info.ts";

export interface Attributes {
  user: UserInfo;
  /** get, list, watch, create, update, patch, delete, deletecollection, impersonate, bind, escalate, ... */
  verb: string;
  isResourceRequest: boolean;
  /** Non-resource requests: the URL path. */
  path: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
}

/** allow and deny end the union; noOpinion passes to the next authorizer. */
export type Decision = "allow" | "deny" | "noOpinion";

export interface AuthorizerResult {
  decision: Decision;
  /** Appended to the 403 message ("... : <reason>"), as upstream does. */
  reason?: string;
}

/** What SelfSubjectRulesReview reports: the rules, and whether some authorizer could not list its own. */
export interface UserRules {
  rules: PolicyRule[];
  incomplete: boolean;
  evaluationError?: string;
}

export interface Authorizer {
  authorize(attrs: Attributes): Promise<AuthorizerResult> | AuthorizerResult;
  /** The rules `user` holds in `namespace` (upstream's RuleResolver); absent: not enumerable. */
  rulesFor?(user: UserInfo, namespace: string): UserRules;
}
