// The baseline checks on security profiles: AppArmor, SELinux options, seccomp (set values
// only) and sysctls (the safe, namespaced set). Upstream: k8s.io/pod-security-admission
// policy/check_{appArmorProfile,seLinuxOptions,seccompProfile_baseline,sysctls}.go.
import type { PodSpec, SELinuxOptions } from "kubernetes-types/core/v1";
import type { ObjectMeta } from "kubernetes-types/meta/v1";
import {
  ALLOWED,
  allContainers,
  type Check,
  forbid,
  joinQuote,
  pluralize,
  settersOf,
  sortedSet,
} from "./check-helpers.ts";

const APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

const appArmorProfile: Check = {
  id: "appArmorProfile",
  level: "baseline",
  minVersion: 0,
  run: (meta, spec) => {
    const allowedType = (t: string) => t === "RuntimeDefault" || t === "Localhost";
    const setters: string[] = [];
    const values: string[] = [];
    const podType = spec.securityContext?.appArmorProfile?.type;
    if (podType !== undefined && !allowedType(podType)) {
      setters.push("pod");
      values.push(podType);
    }
    const bad: string[] = [];
    for (const c of allContainers(spec)) {
      const type = c.securityContext?.appArmorProfile?.type;
      if (type !== undefined && !allowedType(type)) {
        bad.push(c.name);
        values.push(type);
      }
    }
    if (bad.length > 0) setters.push(`${pluralize("container", "containers", bad.length)} ${joinQuote(bad)}`);
    const annotations = Object.entries((meta.annotations ?? {}) as Record<string, string>)
      .filter(([k, v]) => k.startsWith(APPARMOR_ANNOTATION_PREFIX) && !allowedAnnotation(v))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .sort();
    const valueList = [...sortedSet(values), ...annotations];
    if (annotations.length > 0) setters.push(pluralize("annotation", "annotations", annotations.length));
    if (setters.length === 0) return ALLOWED;
    return forbid(
      pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", valueList.length),
      `${setters.join(" and ")} must not set AppArmor profile type to ${joinQuote(valueList)}`,
    );
  },
};

function allowedAnnotation(profile: string): boolean {
  return profile === "" || profile === "runtime/default" || profile.startsWith("localhost/");
}

const SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t"]);

const seLinuxOptions: Check = {
  id: "seLinuxOptions",
  level: "baseline",
  minVersion: 0,
  run: (_meta, spec, minor) => {
    const badTypes: string[] = [];
    let setUser = false;
    let setRole = false;
    const valid = (o: SELinuxOptions) => {
      let ok = true;
      const type = o.type ?? "";
      if (!SELINUX_TYPES.has(type) && !(minor >= 31 && type === "container_engine_t")) {
        ok = false;
        badTypes.push(type);
      }
      if (o.user) {
        ok = false;
        setUser = true;
      }
      if (o.role) {
        ok = false;
        setRole = true;
      }
      return ok;
    };
    const podOptions = spec.securityContext?.seLinuxOptions;
    const pod = podOptions !== undefined && !valid(podOptions);
    const bad = allContainers(spec)
      .filter((c) => c.securityContext?.seLinuxOptions && !valid(c.securityContext.seLinuxOptions))
      .map((c) => c.name);
    if (!pod && bad.length === 0) return ALLOWED;
    const data: string[] = [];
    const types = sortedSet(badTypes);
    if (types.length > 0) data.push(`${pluralize("type", "types", types.length)} ${joinQuote(types)}`);
    if (setUser) data.push("user may not be set");
    if (setRole) data.push("role may not be set");
    return forbid(
      "seLinuxOptions",
      `${settersOf(pod, bad)} set forbidden securityContext.seLinuxOptions: ${data.join("; ")}`,
    );
  },
};

export const SECCOMP_BASELINE_ID = "seccompProfile_baseline";

export function validSeccomp(type: string): boolean {
  return type === "RuntimeDefault" || type === "Localhost";
}

const SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_ANNOTATION_PREFIX = "container.seccomp.security.alpha.kubernetes.io/";

/** Before v1.19 seccomp was set by the alpha annotations (upstream's seccompProfileBaseline_1_0). */
function seccompAnnotations(meta: ObjectMeta, spec: PodSpec): ReturnType<Check["run"]> {
  const annotations = (meta.annotations ?? {}) as Record<string, string>;
  const valid = (v: string) =>
    v === "runtime/default" || v === "docker/default" || v.startsWith("localhost/");
  const bad: string[] = [];
  const pod = annotations[SECCOMP_POD_ANNOTATION];
  if (pod !== undefined && !valid(pod)) bad.push(`${SECCOMP_POD_ANNOTATION}=${JSON.stringify(pod)}`);
  for (const c of allContainers(spec)) {
    const key = SECCOMP_CONTAINER_ANNOTATION_PREFIX + c.name;
    const value = annotations[key];
    if (value !== undefined && !valid(value)) bad.push(`${key}=${JSON.stringify(value)}`);
  }
  const list = sortedSet(bad);
  return list.length > 0
    ? forbid(
        "seccompProfile",
        `forbidden ${pluralize("annotation", "annotations", list.length)} ${list.join(", ")}`,
      )
    : ALLOWED;
}

const seccompProfileBaseline: Check = {
  id: SECCOMP_BASELINE_ID,
  level: "baseline",
  minVersion: 0,
  run: (meta, spec, minor) => {
    if (minor < 19) return seccompAnnotations(meta, spec);
    const values: string[] = [];
    const podType = spec.securityContext?.seccompProfile?.type;
    const pod = podType !== undefined && !validSeccomp(podType);
    if (pod) values.push(podType);
    const bad: string[] = [];
    for (const c of allContainers(spec)) {
      const type = c.securityContext?.seccompProfile?.type;
      if (type !== undefined && !validSeccomp(type)) {
        bad.push(c.name);
        values.push(type);
      }
    }
    if (!pod && bad.length === 0) return ALLOWED;
    return forbid(
      "seccompProfile",
      `${settersOf(pod, bad)} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(values))}`,
    );
  },
};

/** The safe sysctls by the policy version that first allowed them. */
const SAFE_SYSCTLS: readonly [number, readonly string[]][] = [
  [
    0,
    [
      "kernel.shm_rmid_forced",
      "net.ipv4.ip_local_port_range",
      "net.ipv4.tcp_syncookies",
      "net.ipv4.ping_group_range",
      "net.ipv4.ip_unprivileged_port_start",
    ],
  ],
  [27, ["net.ipv4.ip_local_reserved_ports"]],
  [
    29,
    [
      "net.ipv4.tcp_keepalive_time",
      "net.ipv4.tcp_fin_timeout",
      "net.ipv4.tcp_keepalive_intvl",
      "net.ipv4.tcp_keepalive_probes",
    ],
  ],
  [32, ["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"]],
];

const sysctls: Check = {
  id: "sysctls",
  level: "baseline",
  minVersion: 0,
  run: (_meta, spec, minor) => {
    const safe = new Set(SAFE_SYSCTLS.filter(([from]) => minor >= from).flatMap(([, names]) => names));
    const bad = (spec.securityContext?.sysctls ?? []).map((s) => s.name).filter((name) => !safe.has(name));
    return bad.length > 0 ? forbid("forbidden sysctls", bad.join(", ")) : ALLOWED;
  },
};

export const BASELINE_PROFILE_CHECKS: readonly Check[] = [
  appArmorProfile,
  seLinuxOptions,
  seccompProfileBaseline,
  sysctls,
];
