// Pod Security levels, policy versions and the namespace labels that choose them. Upstream:
// k8s.io/pod-security-admission api/constants.go and api/helpers.go (ParseLevel, ParseVersion,
// PolicyToEvaluate, CompareLevels).
import type { StatusCause } from "../../../../lib/errors/status-error.ts";

export type Level = "privileged" | "baseline" | "restricted";

/** A policy version: "latest", or v1.<minor>. */
export type Version = { latest: true } | { latest: false; minor: number };

export interface LevelVersion {
  level: Level;
  version: Version;
}

/** The three modes of a namespace (upstream's api.Policy). */
export interface Policy {
  enforce: LevelVersion;
  audit: LevelVersion;
  warn: LevelVersion;
}

export const LEVELS: readonly Level[] = ["privileged", "baseline", "restricted"];
export const LATEST: Version = { latest: true };
export const LABEL_PREFIX = "pod-security.kubernetes.io/";
export const MODES = ["enforce", "audit", "warn"] as const;
export type Mode = (typeof MODES)[number];

export const PRIVILEGED_POLICY: Policy = {
  enforce: { level: "privileged", version: LATEST },
  audit: { level: "privileged", version: LATEST },
  warn: { level: "privileged", version: LATEST },
};

export function versionString(v: Version): string {
  return v.latest ? "latest" : `v1.${v.minor}`;
}

export function levelVersionString(lv: LevelVersion): string {
  return `${lv.level}:${versionString(lv.version)}`;
}

/** The minor version a check table is read at: latest reads everything. */
export function minorOf(v: Version): number {
  return v.latest ? Number.POSITIVE_INFINITY : v.minor;
}

export function sameLevelVersion(a: LevelVersion, b: LevelVersion): boolean {
  return a.level === b.level && versionString(a.version) === versionString(b.version);
}

/** Upstream's ParseLevel: an unknown level is an error (and evaluates as restricted). */
export function parseLevel(value: string): { level: Level; error?: string } {
  if ((LEVELS as readonly string[]).includes(value)) return { level: value as Level };
  return { level: "restricted", error: `must be one of ${LEVELS.join(", ")}` };
}

/** Upstream's ParseVersion: "latest" or v1.<minor> without leading zeros. */
export function parseVersion(value: string): { version: Version; error?: string } {
  if (value === "latest") return { version: LATEST };
  const match = /^v1\.([0-9]|[1-9][0-9]*)$/.exec(value);
  const minor = match ? Number(match[1]) : Number.NaN;
  if (!match || !Number.isSafeInteger(minor)) return { version: LATEST, error: `must be "latest" or "v1.x"` };
  return { version: { latest: false, minor } };
}

/**
 * The policy a namespace's labels choose over `defaults` (upstream's PolicyToEvaluate): a valid
 * policy is always returned; a bad enforce level fails closed (restricted), a bad audit or warn
 * level fails open (privileged). Each bad label is one cause on `metadata.labels[...]`.
 */
export function policyToEvaluate(
  labels: Record<string, string> | undefined,
  defaults: Policy,
): { policy: Policy; errors: StatusCause[] } {
  const policy: Policy = {
    enforce: { ...defaults.enforce },
    audit: { ...defaults.audit },
    warn: { ...defaults.warn },
  };
  const errors: StatusCause[] = [];
  const bad = (label: string, value: string, error: string) =>
    errors.push({
      reason: "FieldValueInvalid",
      field: `metadata.labels[${label}]`,
      message: `Invalid value: ${JSON.stringify(value)}: ${error}`,
    });
  for (const mode of MODES) {
    const levelLabel = LABEL_PREFIX + mode;
    const versionLabel = `${levelLabel}-version`;
    const level = labels?.[levelLabel];
    if (level !== undefined) {
      const parsed = parseLevel(level);
      policy[mode].level = parsed.level;
      if (parsed.error) {
        bad(levelLabel, level, parsed.error);
        if (mode !== "enforce") policy[mode].level = "privileged";
      }
    }
    const version = labels?.[versionLabel];
    if (version !== undefined) {
      const parsed = parseVersion(version);
      policy[mode].version = parsed.version;
      if (parsed.error) bad(versionLabel, version, parsed.error);
    }
  }
  return { policy, errors };
}

/** -1 when a is less strict than b, 0 when equal, +1 when stricter (upstream's CompareLevels). */
export function compareLevels(a: Level, b: Level): number {
  return Math.sign(LEVELS.indexOf(a) - LEVELS.indexOf(b));
}

export function fullyPrivileged(p: Policy): boolean {
  return p.enforce.level === "privileged" && p.audit.level === "privileged" && p.warn.level === "privileged";
}

export function equivalentPolicies(a: Policy, b: Policy): boolean {
  return MODES.every((m) => {
    if (a[m].level !== b[m].level) return false;
    return a[m].level === "privileged" || versionString(a[m].version) === versionString(b[m].version);
  });
}
