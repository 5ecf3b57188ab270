// RBAC PolicyRule matching: whether one rule allows a request, and whether a set of rules
// covers another (for escalation checks). Upstream: pkg/apis/rbac/v1/evaluation_helpers.go,
// plugin/pkg/auth/authorizer/rbac/rbac.go (RuleAllows), pkg/registry/rbac/validation/policy_comparator.go.
import type { PolicyRule } from "kubernetes-types/rbac/v1";
import type { Attributes } from "./authorizer.ts";

export type { PolicyRule };

const ALL = "*";

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === ALL || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === ALL || g === group);
}

/** `combined` is "resource" or "resource/subresource"; a rule's `*\/sub` matches any resource's sub. */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === ALL || r === combined) return true;
    if (subresource && r.length === subresource.length + 2 && r.startsWith("*/") && r.endsWith(subresource))
      return true;
  }
  return false;
}

export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

/** A trailing `*` in a rule's URL matches any path with that prefix. */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === ALL || u === path) return true;
    if (u.endsWith("*") && path.startsWith(u.replace(/\*+$/, ""))) return true;
  }
  return false;
}

export function ruleAllows(attrs: Attributes, rule: PolicyRule): boolean {
  if (attrs.isResourceRequest) {
    const combined = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
    return (
      verbMatches(rule, attrs.verb) &&
      apiGroupMatches(rule, attrs.apiGroup) &&
      resourceMatches(rule, combined, attrs.subresource) &&
      resourceNameMatches(rule, attrs.name)
    );
  }
  return verbMatches(rule, attrs.verb) && nonResourceURLMatches(rule, attrs.path);
}

/**
 * Whether `owner` rules cover every permission of `requested` (upstream's Covers): each
 * requested rule is broken into one-verb, one-group, one-resource, one-name pieces and each
 * piece must be allowed by some owner rule.
 */
export function covers(owner: readonly PolicyRule[], requested: readonly PolicyRule[]): PolicyRule[] {
  const uncovered: PolicyRule[] = [];
  for (const rule of requested) {
    for (const piece of breakdownRule(rule)) {
      if (!owner.some((o) => ruleCovers(o, piece))) uncovered.push(piece);
    }
  }
  return uncovered;
}

/** One rule per verb, group, resource and name (or URL), as upstream's BreakdownRule. */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const verb of rule.verbs) {
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        const names = rule.resourceNames ?? [];
        if (names.length === 0) out.push({ verbs: [verb], apiGroups: [group], resources: [resource] });
        for (const name of names)
          out.push({ verbs: [verb], apiGroups: [group], resources: [resource], resourceNames: [name] });
      }
    }
    for (const url of rule.nonResourceURLs ?? []) out.push({ verbs: [verb], nonResourceURLs: [url] });
  }
  return out;
}

function hasAll(have: readonly string[], want: readonly string[]): boolean {
  return want.every((w) => have.includes(w));
}

function nonResourceURLCovers(owner: string, requested: string): boolean {
  if (owner === requested) return true;
  return owner.endsWith("*") && requested.startsWith(owner.slice(0, -1));
}

function resourceCovers(ownerResources: readonly string[], requested: string): boolean {
  if (ownerResources.includes(ALL) || ownerResources.includes(requested)) return true;
  const slash = requested.indexOf("/");
  return slash >= 0 && ownerResources.includes(`*${requested.slice(slash)}`);
}

/** upstream's ruleCovers: whether one owner rule holds a broken-down requested rule. */
export function ruleCovers(owner: PolicyRule, requested: PolicyRule): boolean {
  const verbs = owner.verbs.includes(ALL) || hasAll(owner.verbs, requested.verbs);
  const groups =
    (owner.apiGroups ?? []).includes(ALL) || hasAll(owner.apiGroups ?? [], requested.apiGroups ?? []);
  const resources = (requested.resources ?? []).every((r) => resourceCovers(owner.resources ?? [], r));
  const urls = (requested.nonResourceURLs ?? []).every((u) =>
    (owner.nonResourceURLs ?? []).some((o) => nonResourceURLCovers(o, u)),
  );
  const ownerNames = owner.resourceNames ?? [];
  const names = ownerNames.length === 0 || hasAll(ownerNames, requested.resourceNames ?? []);
  // A rule naming no resource names cannot be covered by one that does.
  const namesNeeded = ownerNames.length > 0 && (requested.resourceNames ?? []).length === 0;
  return verbs && groups && resources && urls && names && !namesNeeded;
}

/** Upstream's compact rule text in escalation messages: `{APIGroups:["apps"], Resources:["pods"], Verbs:["get"]}`. */
export function compactString(rule: PolicyRule): string {
  const parts: string[] = [];
  const q = (xs: readonly string[]) => `[${xs.map((x) => JSON.stringify(x)).join(" ")}]`;
  if ((rule.apiGroups ?? []).length > 0) parts.push(`APIGroups:${q(rule.apiGroups ?? [])}`);
  if ((rule.resources ?? []).length > 0) parts.push(`Resources:${q(rule.resources ?? [])}`);
  if ((rule.nonResourceURLs ?? []).length > 0) parts.push(`NonResourceURLs:${q(rule.nonResourceURLs ?? [])}`);
  if ((rule.resourceNames ?? []).length > 0) parts.push(`ResourceNames:${q(rule.resourceNames ?? [])}`);
  parts.push(`Verbs:${q(rule.verbs)}`);
  return `{${parts.join(", ")}}`;
}
