// Reconciliation of a default role or binding with what the policy expects, keeping what an
// admin added: missing rules, aggregation selectors, subjects, labels and annotations are
// added, nothing is removed. Upstream: pkg/registry/rbac/reconciliation/reconcile_role.go and
// reconcile_rolebindings.go (with removeExtraPermissions / removeExtraSubjects false).
import type { AggregationRule, PolicyRule, RoleRef, Subject } from "kubernetes-types/rbac/v1";
import type { KObject } from "../registry/object.ts";
import { covers } from "./policy-rule.ts";

type Meta = { labels?: Record<string, string>; annotations?: Record<string, string> };

/** Expected keys are added; existing values win (upstream's merge(expected, existing)). */
function mergeMaps(
  expected: Record<string, string> | undefined,
  existing: Record<string, string> | undefined,
) {
  const out = { ...expected, ...existing };
  const changed = Object.keys(out).length !== Object.keys(existing ?? {}).length;
  return { out, changed };
}

function reconcileMeta(next: KObject, expected: KObject): boolean {
  const m = (next.metadata ?? {}) as Meta;
  const e = (expected.metadata ?? {}) as Meta;
  const labels = mergeMaps(e.labels, m.labels);
  const annotations = mergeMaps(e.annotations, m.annotations);
  if (labels.changed) m.labels = labels.out;
  if (annotations.changed) m.annotations = annotations.out;
  next.metadata = m as KObject["metadata"];
  return labels.changed || annotations.changed;
}

/** Whether every label and annotation key `expected` has is already set (reconcileMeta would change nothing). */
function metaHolds(existing: KObject, expected: KObject): boolean {
  const m = (existing.metadata ?? {}) as Meta;
  const e = (expected.metadata ?? {}) as Meta;
  const holds = (want: Record<string, string> | undefined, have: Record<string, string> | undefined) =>
    Object.keys(want ?? {}).every((k) => have !== undefined && Object.hasOwn(have, k));
  return holds(e.labels, m.labels) && holds(e.annotations, m.annotations);
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The role with what `expected` adds, or undefined when nothing is missing. A role stored as the
 * policy wrote it (every restart) is recognised by its rules' text before breaking them down:
 * covers() of all default roles was ~60 ms of a cold start's CPU.
 */
export function reconcileRole(existing: KObject, expected: KObject): KObject | undefined {
  const want = expected.aggregationRule as AggregationRule | undefined;
  if (
    metaHolds(existing, expected) &&
    same(existing.rules ?? [], expected.rules ?? []) &&
    (!want || same(existing.aggregationRule, want))
  )
    return undefined;
  const next = structuredClone(existing);
  let changed = reconcileMeta(next, expected);
  const have = (next.rules as PolicyRule[] | undefined) ?? [];
  const missing = covers(have, (expected.rules as PolicyRule[] | undefined) ?? []);
  if (missing.length > 0) {
    // Add the expected rules that are not fully held, whole (as upstream appends the uncovered ones).
    const add = ((expected.rules as PolicyRule[] | undefined) ?? []).filter(
      (r) => covers(have, [r]).length > 0,
    );
    next.rules = [...have, ...add];
    changed = true;
  }
  if (want) {
    const cur = (next.aggregationRule as AggregationRule | undefined) ?? {};
    const selectors = [...(cur.clusterRoleSelectors ?? [])];
    for (const s of want.clusterRoleSelectors ?? []) {
      if (!selectors.some((x) => JSON.stringify(x) === JSON.stringify(s))) {
        selectors.push(s);
        changed = true;
      }
    }
    next.aggregationRule = { ...cur, clusterRoleSelectors: selectors };
  }
  return changed ? next : undefined;
}

const sameSubject = (a: Subject, b: Subject) =>
  a.kind === b.kind && a.name === b.name && (a.namespace ?? "") === (b.namespace ?? "");

/** The binding with the expected subjects (and roleRef) added, or undefined when nothing is missing. */
export function reconcileBinding(existing: KObject, expected: KObject): KObject | undefined {
  const have = (existing.subjects as Subject[] | undefined) ?? [];
  if (
    metaHolds(existing, expected) &&
    same(existing.roleRef, expected.roleRef) &&
    ((expected.subjects as Subject[] | undefined) ?? []).every((s) => have.some((x) => sameSubject(x, s)))
  )
    return undefined;
  const next = structuredClone(existing);
  let changed = reconcileMeta(next, expected);
  const subjects = [...((next.subjects as Subject[] | undefined) ?? [])];
  for (const s of (expected.subjects as Subject[] | undefined) ?? []) {
    if (!subjects.some((x) => sameSubject(x, s))) {
      subjects.push(s);
      changed = true;
    }
  }
  if (subjects.length > 0) next.subjects = subjects;
  const ref = expected.roleRef as RoleRef;
  if (JSON.stringify(next.roleRef) !== JSON.stringify(ref)) {
    next.roleRef = ref;
    changed = true;
  }
  return changed ? next : undefined;
}
