// What every Pod Security check shares: its shape, the result, and upstream's wording helpers
// (pluralize, joinQuote, visitContainers: init containers, then containers, then ephemeral ones).
// Upstream: k8s.io/pod-security-admission policy/checks.go, helpers.go and visitor.go.
import type { Container, PodSpec } from "kubernetes-types/core/v1";
import type { ObjectMeta } from "kubernetes-types/meta/v1";

export interface CheckResult {
  allowed: boolean;
  forbiddenReason?: string;
  forbiddenDetail?: string;
}

export const ALLOWED: CheckResult = { allowed: true };

export function forbid(reason: string, detail = ""): CheckResult {
  return { allowed: false, forbiddenReason: reason, forbiddenDetail: detail };
}

/** One check: upstream's Check with its versions folded into `minVersion` and `run(…, minor)`. */
export interface Check {
  id: string;
  level: "baseline" | "restricted";
  /** The first policy minor version (v1.<minor>) the check applies to. */
  minVersion: number;
  /** Baseline check ids this restricted check replaces at restricted level. */
  overrides?: { id: string; from: number }[];
  run(meta: ObjectMeta, spec: PodSpec, minor: number): CheckResult;
}

export function pluralize(singular: string, plural: string, n: number): string {
  return n === 1 ? singular : plural;
}

export function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? "" : `"${items.join('", "')}"`;
}

/** Go's sets.NewString(...).List(): unique and sorted by bytes. */
export function sortedSet(items: Iterable<string>): string[] {
  return [...new Set(items)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Init containers, containers, then ephemeral containers, as upstream visits them. */
export function allContainers(spec: PodSpec): Container[] {
  return [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
    ...((spec.ephemeralContainers ?? []) as Container[]),
  ];
}

/** "pod", `container "a"`, `containers "a", "b"` joined with " and " (the setters of a bad value). */
export function settersOf(pod: boolean, containers: string[]): string {
  const setters: string[] = [];
  if (pod) setters.push("pod");
  if (containers.length > 0)
    setters.push(`${pluralize("container", "containers", containers.length)} ${joinQuote(containers)}`);
  return setters.join(" and ");
}

export function isWindowsPod(spec: PodSpec): boolean {
  return spec.os?.name === "windows";
}

/** A pod in its own user namespace (hostUsers: false) is relaxed by some checks (KEP-127). */
export function inUserNamespace(spec: PodSpec): boolean {
  return spec.hostUsers === false;
}
