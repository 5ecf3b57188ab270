// The baseline checks on host access and privilege: host namespaces, hostPath, host ports, probe
// hosts, privileged, added capabilities, Windows hostProcess, /proc mount. Upstream:
// k8s.io/pod-security-admission policy/check_{hostNamespaces,hostPorts,privileged,...}.go.
import type { Container, PodSpec } from "kubernetes-types/core/v1";
import {
  ALLOWED,
  allContainers,
  type Check,
  forbid,
  inUserNamespace,
  joinQuote,
  pluralize,
  settersOf,
  sortedSet,
} from "./check-helpers.ts";

const hostNamespaces: Check = {
  id: "hostNamespaces",
  level: "baseline",
  minVersion: 0,
  run: (_meta, spec) => {
    const used: string[] = [];
    if (spec.hostNetwork) used.push("hostNetwork=true");
    if (spec.hostPID) used.push("hostPID=true");
    if (spec.hostIPC) used.push("hostIPC=true");
    return used.length > 0 ? forbid("host namespaces", used.join(", ")) : ALLOWED;
  },
};

export const HOST_PATH_VOLUMES_ID = "hostPathVolumes";

const hostPathVolumes: Check = {
  id: HOST_PATH_VOLUMES_ID,
  level: "baseline",
  minVersion: 0,
  run: (_meta, spec) => {
    const names = (spec.volumes ?? []).filter((v) => v.hostPath).map((v) => v.name);
    return names.length > 0
      ? forbid("hostPath volumes", `${pluralize("volume", "volumes", names.length)} ${joinQuote(names)}`)
      : ALLOWED;
  },
};

const hostPorts: Check = {
  id: "hostPorts",
  level: "baseline",
  minVersion: 0,
  run: (_meta, spec) => {
    const bad: string[] = [];
    const ports: string[] = [];
    for (const c of allContainers(spec)) {
      const used = (c.ports ?? []).filter((p) => (p.hostPort ?? 0) !== 0).map((p) => String(p.hostPort));
      if (used.length > 0) bad.push(c.name);
      ports.push(...used);
    }
    if (bad.length === 0) return ALLOWED;
    const unique = sortedSet(ports);
    return forbid(
      "hostPort",
      `${pluralize("container", "containers", bad.length)} ${joinQuote(bad)} ${pluralize("uses", "use", bad.length)} ${pluralize("hostPort", "hostPorts", unique.length)} ${unique.join(", ")}`,
    );
  },
};

interface HostHandler {
  httpGet?: { host?: string };
  tcpSocket?: { host?: string };
}

function hostsOf(handler: HostHandler | undefined): string[] {
  const hosts: string[] = [];
  if (handler?.httpGet?.host) hosts.push(handler.httpGet.host);
  if (handler?.tcpSocket?.host) hosts.push(handler.tcpSocket.host);
  return hosts;
}

const hostProbesAndHostLifecycle: Check = {
  id: "hostProbesAndHostLifecycle",
  level: "baseline",
  minVersion: 34,
  run: (_meta, spec) => {
    const bad = new Set<string>();
    const hosts = new Set<string>();
    for (const c of allContainers(spec)) {
      const handlers = [
        c.livenessProbe,
        c.readinessProbe,
        c.startupProbe,
        c.lifecycle?.postStart,
        c.lifecycle?.preStop,
      ];
      for (const h of handlers) {
        const found = hostsOf(h as HostHandler | undefined);
        if (found.length > 0) bad.add(c.name);
        for (const host of found) hosts.add(host);
      }
    }
    if (bad.size === 0) return ALLOWED;
    const names = sortedSet(bad);
    const values = sortedSet(hosts);
    return forbid(
      "probe or lifecycle host",
      `${pluralize("container", "containers", names.length)} ${joinQuote(names)} ${pluralize("uses", "use", names.length)} ${pluralize("probe or lifecycle host", "probe or lifecycle hosts", values.length)} ${joinQuote(values)}`,
    );
  },
};

const privileged: Check = {
  id: "privileged",
  level: "baseline",
  minVersion: 0,
  run: (_meta, spec) => {
    const bad = allContainers(spec)
      .filter((c) => c.securityContext?.privileged === true)
      .map((c) => c.name);
    return bad.length > 0
      ? forbid(
          "privileged",
          `${pluralize("container", "containers", bad.length)} ${joinQuote(bad)} must not set securityContext.privileged=true`,
        )
      : ALLOWED;
  },
};

const DEFAULT_CAPABILITIES = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);

export const CAPABILITIES_BASELINE_ID = "capabilities_baseline";

const capabilitiesBaseline: Check = {
  id: CAPABILITIES_BASELINE_ID,
  level: "baseline",
  minVersion: 0,
  run: (_meta, spec) => {
    const bad: string[] = [];
    const caps: string[] = [];
    for (const c of allContainers(spec)) {
      const extra = (c.securityContext?.capabilities?.add ?? []).filter(
        (cap) => !DEFAULT_CAPABILITIES.has(cap),
      );
      if (extra.length > 0) bad.push(c.name);
      caps.push(...extra);
    }
    return bad.length > 0
      ? forbid(
          "non-default capabilities",
          `${pluralize("container", "containers", bad.length)} ${joinQuote(bad)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`,
        )
      : ALLOWED;
  },
};

const windowsHostProcess: Check = {
  id: "windowsHostProcess",
  level: "baseline",
  minVersion: 0,
  run: (_meta, spec) => {
    const bad = allContainers(spec)
      .filter((c) => c.securityContext?.windowsOptions?.hostProcess === true)
      .map((c) => c.name);
    const pod = spec.securityContext?.windowsOptions?.hostProcess === true;
    return pod || bad.length > 0
      ? forbid(
          "hostProcess",
          `${settersOf(pod, bad)} must not set securityContext.windowsOptions.hostProcess=true`,
        )
      : ALLOWED;
  },
};

export const PROC_MOUNT_ID = "procMount";

/** Containers whose procMount is not Default, and the types they ask for. */
export function procMountViolation(spec: PodSpec): ReturnType<Check["run"]> {
  const bad: string[] = [];
  const types: string[] = [];
  for (const c of allContainers(spec) as Container[]) {
    const type = c.securityContext?.procMount;
    if (type !== undefined && type !== "Default") {
      bad.push(c.name);
      types.push(type);
    }
  }
  return bad.length > 0
    ? forbid(
        "procMount",
        `${pluralize("container", "containers", bad.length)} ${joinQuote(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}`,
      )
    : ALLOWED;
}

const procMount: Check = {
  id: PROC_MOUNT_ID,
  level: "baseline",
  minVersion: 0,
  // Since v1.34 a pod in its own user namespace may unmask /proc (its root is not the host's).
  run: (_meta, spec, minor) => (minor >= 34 && inUserNamespace(spec) ? ALLOWED : procMountViolation(spec)),
};

export const BASELINE_HOST_CHECKS: readonly Check[] = [
  capabilitiesBaseline,
  hostNamespaces,
  hostPathVolumes,
  hostPorts,
  hostProbesAndHostLifecycle,
  privileged,
  procMount,
  windowsHostProcess,
];
