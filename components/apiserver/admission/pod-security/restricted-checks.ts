// The restricted checks: volume types, privilege escalation, non-root, runAsUser≠0, seccomp,
// capabilities (drop ALL, add only NET_BIND_SERVICE), masked /proc. Upstream:
// k8s.io/pod-security-admission policy/check_{restrictedVolumes,runAsNonRoot,...}.go.
import {
  CAPABILITIES_BASELINE_ID,
  HOST_PATH_VOLUMES_ID,
  PROC_MOUNT_ID,
  procMountViolation,
} from "./baseline-host-checks.ts";
import { SECCOMP_BASELINE_ID, validSeccomp } from "./baseline-profile-checks.ts";
import {
  ALLOWED,
  allContainers,
  type Check,
  forbid,
  inUserNamespace,
  isWindowsPod,
  joinQuote,
  pluralize,
  settersOf,
  sortedSet,
} from "./check-helpers.ts";

const ALLOWED_VOLUME_SOURCES = [
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "image",
  "persistentVolumeClaim",
  "projected",
  "secret",
];

/** The restricted volume types, in upstream's order of precedence for the type named. */
const RESTRICTED_VOLUME_SOURCES = [
  "hostPath",
  "gcePersistentDisk",
  "awsElasticBlockStore",
  "gitRepo",
  "nfs",
  "iscsi",
  "glusterfs",
  "rbd",
  "flexVolume",
  "cinder",
  "cephfs",
  "flocker",
  "fc",
  "azureFile",
  "vsphereVolume",
  "quobyte",
  "azureDisk",
  "photonPersistentDisk",
  "portworxVolume",
  "scaleIO",
  "storageos",
];

const restrictedVolumes: Check = {
  id: "restrictedVolumes",
  level: "restricted",
  minVersion: 0,
  overrides: [{ id: HOST_PATH_VOLUMES_ID, from: 0 }],
  run: (_meta, spec) => {
    const bad: string[] = [];
    const types: string[] = [];
    for (const volume of spec.volumes ?? []) {
      const v = volume as unknown as Record<string, unknown>;
      if (ALLOWED_VOLUME_SOURCES.some((s) => v[s] !== undefined && v[s] !== null)) continue;
      bad.push(volume.name);
      types.push(RESTRICTED_VOLUME_SOURCES.find((s) => v[s] !== undefined && v[s] !== null) ?? "unknown");
    }
    if (bad.length === 0) return ALLOWED;
    const unique = sortedSet(types);
    return forbid(
      "restricted volume types",
      `${pluralize("volume", "volumes", bad.length)} ${joinQuote(bad)} ${pluralize("uses", "use", bad.length)} ${pluralize("restricted volume type", "restricted volume types", unique.length)} ${joinQuote(unique)}`,
    );
  },
};

const allowPrivilegeEscalation: Check = {
  id: "allowPrivilegeEscalation",
  level: "restricted",
  minVersion: 8,
  run: (_meta, spec, minor) => {
    if (minor >= 25 && isWindowsPod(spec)) return ALLOWED;
    const bad = allContainers(spec)
      .filter((c) => c.securityContext?.allowPrivilegeEscalation !== false)
      .map((c) => c.name);
    return bad.length > 0
      ? forbid(
          "allowPrivilegeEscalation != false",
          `${pluralize("container", "containers", bad.length)} ${joinQuote(bad)} must set securityContext.allowPrivilegeEscalation=false`,
        )
      : ALLOWED;
  },
};

/**
 * The shape of runAsNonRoot and seccompProfile: a pod-level value covers containers that set
 * none; explicit bad values are named first, then containers left uncovered.
 */
function requiredSetting(
  spec: Parameters<Check["run"]>[1],
  podValue: string | boolean | undefined,
  containerValue: (c: ReturnType<typeof allContainers>[number]) => string | boolean | undefined,
  good: (v: string | boolean) => boolean,
): { pod: boolean; explicit: string[]; implicit: string[]; values: string[] } {
  const pod = podValue !== undefined && !good(podValue);
  const covered = podValue !== undefined && good(podValue);
  const explicit: string[] = [];
  const implicit: string[] = [];
  const values: string[] = pod ? [String(podValue)] : [];
  for (const c of allContainers(spec)) {
    const v = containerValue(c);
    if (v !== undefined) {
      if (!good(v)) {
        explicit.push(c.name);
        values.push(String(v));
      }
    } else if (!covered) implicit.push(c.name);
  }
  return { pod, explicit, implicit, values };
}

const runAsNonRoot: Check = {
  id: "runAsNonRoot",
  level: "restricted",
  minVersion: 0,
  run: (_meta, spec, minor) => {
    if (minor >= 34 && inUserNamespace(spec)) return ALLOWED;
    const r = requiredSetting(
      spec,
      spec.securityContext?.runAsNonRoot,
      (c) => c.securityContext?.runAsNonRoot,
      (v) => v === true,
    );
    if (r.pod || r.explicit.length > 0)
      return forbid(
        "runAsNonRoot != true",
        `${settersOf(r.pod, r.explicit)} must not set securityContext.runAsNonRoot=false`,
      );
    if (r.implicit.length > 0)
      return forbid(
        "runAsNonRoot != true",
        `pod or ${pluralize("container", "containers", r.implicit.length)} ${joinQuote(r.implicit)} must set securityContext.runAsNonRoot=true`,
      );
    return ALLOWED;
  },
};

const runAsUser: Check = {
  id: "runAsUser",
  level: "restricted",
  minVersion: 23,
  run: (_meta, spec, minor) => {
    if (minor >= 35 && inUserNamespace(spec)) return ALLOWED;
    const pod = spec.securityContext?.runAsUser === 0;
    const bad = allContainers(spec)
      .filter((c) => c.securityContext?.runAsUser === 0)
      .map((c) => c.name);
    return pod || bad.length > 0
      ? forbid("runAsUser=0", `${settersOf(pod, bad)} must not set runAsUser=0`)
      : ALLOWED;
  },
};

const seccompProfileRestricted: Check = {
  id: "seccompProfile_restricted",
  level: "restricted",
  minVersion: 19,
  overrides: [{ id: SECCOMP_BASELINE_ID, from: 19 }],
  run: (_meta, spec, minor) => {
    if (minor >= 25 && isWindowsPod(spec)) return ALLOWED;
    const r = requiredSetting(
      spec,
      spec.securityContext?.seccompProfile?.type,
      (c) => c.securityContext?.seccompProfile?.type,
      (v) => validSeccomp(String(v)),
    );
    if (r.pod || r.explicit.length > 0)
      return forbid(
        "seccompProfile",
        `${settersOf(r.pod, r.explicit)} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(r.values))}`,
      );
    if (r.implicit.length > 0)
      return forbid(
        "seccompProfile",
        `pod or ${pluralize("container", "containers", r.implicit.length)} ${joinQuote(r.implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
      );
    return ALLOWED;
  },
};

const capabilitiesRestricted: Check = {
  id: "capabilities_restricted",
  level: "restricted",
  minVersion: 22,
  overrides: [{ id: CAPABILITIES_BASELINE_ID, from: 22 }],
  run: (_meta, spec, minor) => {
    if (minor >= 25 && isWindowsPod(spec)) return ALLOWED;
    const missingDrop: string[] = [];
    const adding: string[] = [];
    const forbidden: string[] = [];
    for (const c of allContainers(spec)) {
      const caps = c.securityContext?.capabilities;
      if (!caps) {
        missingDrop.push(c.name);
        continue;
      }
      if (!(caps.drop ?? []).includes("ALL")) missingDrop.push(c.name);
      const extra = (caps.add ?? []).filter((cap) => cap !== "NET_BIND_SERVICE");
      if (extra.length > 0) adding.push(c.name);
      forbidden.push(...extra);
    }
    const details: string[] = [];
    if (missingDrop.length > 0)
      details.push(
        `${pluralize("container", "containers", missingDrop.length)} ${joinQuote(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`,
      );
    if (adding.length > 0)
      details.push(
        `${pluralize("container", "containers", adding.length)} ${joinQuote(adding)} must not include ${joinQuote(sortedSet(forbidden))} in securityContext.capabilities.add`,
      );
    return details.length > 0 ? forbid("unrestricted capabilities", details.join("; ")) : ALLOWED;
  },
};

/** From v1.35 restricted keeps /proc masked even for pods in their own user namespace. */
const procMountRestricted: Check = {
  id: "procMount_restricted",
  level: "restricted",
  minVersion: 35,
  overrides: [{ id: PROC_MOUNT_ID, from: 35 }],
  run: (_meta, spec) => procMountViolation(spec),
};

export const RESTRICTED_CHECKS: readonly Check[] = [
  allowPrivilegeEscalation,
  capabilitiesRestricted,
  procMountRestricted,
  restrictedVolumes,
  runAsNonRoot,
  runAsUser,
  seccompProfileRestricted,
];
