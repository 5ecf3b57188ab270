// Every Pod Security check with a good and a bad pod at baseline and restricted, with
// upstream's reason and detail texts, the check order and the restricted overrides.
import { describe, expect, test } from "bun:test";
import type { Container, PodSpec } from "kubernetes-types/core/v1";
import type { ObjectMeta } from "kubernetes-types/meta/v1";
import { evaluatePod, forbiddenDetail, forbiddenReason } from "./evaluate-pod.ts";
import { LATEST, type Level, type LevelVersion } from "./policy-level.ts";

const lv = (level: Level, minor?: number): LevelVersion => ({
  level,
  version: minor === undefined ? LATEST : { latest: false, minor },
});

/** A pod that passes restricted; `change` breaks exactly what a test looks at. */
function restrictedPod(change: (spec: PodSpec) => void = () => {}): PodSpec {
  const spec: PodSpec = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containers: [
      {
        name: "c",
        image: "busybox",
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
      },
    ],
  };
  change(spec);
  return spec;
}

const c0 = (spec: PodSpec): Container => spec.containers[0] as Container;
const detail = (level: Level, spec: PodSpec, meta: ObjectMeta = {}) =>
  forbiddenDetail(evaluatePod(lv(level), meta, spec));

describe("baseline checks", () => {
  const cases: [string, (s: PodSpec) => void, string, ObjectMeta?][] = [
    [
      "host namespaces",
      (s) => Object.assign(s, { hostNetwork: true, hostPID: true, hostIPC: true }),
      "host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)",
    ],
    [
      "privileged",
      (s) => {
        c0(s).securityContext = { ...c0(s).securityContext, privileged: true };
      },
      'privileged (container "c" must not set securityContext.privileged=true)',
    ],
    [
      "non-default capabilities",
      (s) => {
        s.containers.push({
          name: "d",
          securityContext: { capabilities: { add: ["SYS_ADMIN", "NET_RAW", "CHOWN"] } },
        });
      },
      'non-default capabilities (container "d" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add)',
    ],
    [
      "hostPath volumes",
      (s) => {
        s.volumes = [{ name: "root", hostPath: { path: "/" } }];
      },
      'hostPath volumes (volume "root")',
    ],
    [
      "host ports",
      (s) => {
        s.containers.push({
          name: "d",
          ports: [
            { containerPort: 80, hostPort: 8080 },
            { containerPort: 81, hostPort: 80 },
          ],
        });
      },
      'hostPort (container "d" uses hostPorts 80, 8080)',
    ],
    [
      "probe host",
      (s) => {
        c0(s).livenessProbe = { httpGet: { host: "10.0.0.1", port: 80 } };
      },
      'probe or lifecycle host (container "c" uses probe or lifecycle host "10.0.0.1")',
    ],
    [
      "windows hostProcess",
      (s) => {
        s.securityContext = { ...s.securityContext, windowsOptions: { hostProcess: true } };
      },
      "hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)",
    ],
    [
      "procMount",
      (s) => {
        c0(s).securityContext = { ...c0(s).securityContext, procMount: "Unmasked" };
      },
      'procMount (container "c" must not set securityContext.procMount to "Unmasked")',
    ],
    [
      "AppArmor",
      (s) => {
        s.securityContext = { ...s.securityContext, appArmorProfile: { type: "Unconfined" } };
      },
      'forbidden AppArmor profile (pod must not set AppArmor profile type to "Unconfined")',
    ],
    [
      "SELinux",
      (s) => {
        c0(s).securityContext = { ...c0(s).securityContext, seLinuxOptions: { type: "spc_t", user: "root" } };
      },
      'seLinuxOptions (container "c" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set)',
    ],
    [
      "seccomp Unconfined",
      (s) => {
        s.securityContext = { ...s.securityContext, seccompProfile: { type: "Unconfined" } };
      },
      'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
    ],
    [
      "sysctls",
      (s) => {
        s.securityContext = {
          ...s.securityContext,
          sysctls: [
            { name: "kernel.msgmax", value: "1" },
            { name: "net.ipv4.tcp_syncookies", value: "1" },
          ],
        };
      },
      "forbidden sysctls (kernel.msgmax)",
    ],
  ];
  for (const [name, change, text] of cases) {
    test(`${name}: refused at baseline with upstream's words`, () => {
      expect(detail("baseline", restrictedPod(change))).toBe(text);
    });
  }

  test("a plain pod and the allowed values pass baseline", () => {
    const spec: PodSpec = {
      securityContext: {
        seccompProfile: { type: "Localhost", localhostProfile: "p.json" },
        sysctls: [{ name: "net.ipv4.ip_local_port_range", value: "1024 65535" }],
        seLinuxOptions: { type: "container_t" },
      },
      containers: [
        {
          name: "c",
          ports: [{ containerPort: 80 }],
          securityContext: { capabilities: { add: ["NET_BIND_SERVICE", "CHOWN"] }, procMount: "Default" },
        },
      ],
      volumes: [{ name: "tmp", emptyDir: {} }],
    };
    expect(evaluatePod(lv("baseline"), {}, spec).allowed).toBe(true);
  });

  test("AppArmor annotations are checked too", () => {
    const meta = { annotations: { "container.apparmor.security.beta.kubernetes.io/c": "unconfined" } };
    expect(detail("baseline", restrictedPod(), meta)).toBe(
      'forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/c="unconfined"")',
    );
    const ok = { annotations: { "container.apparmor.security.beta.kubernetes.io/c": "runtime/default" } };
    expect(evaluatePod(lv("baseline"), ok, restrictedPod()).allowed).toBe(true);
  });

  test("before v1.19 seccomp is judged by the alpha annotations", () => {
    const meta = {
      annotations: {
        "seccomp.security.alpha.kubernetes.io/pod": "unconfined",
        "container.seccomp.security.alpha.kubernetes.io/c": "localhost/p.json",
      },
    };
    expect(forbiddenDetail(evaluatePod(lv("baseline", 18), meta, restrictedPod()))).toBe(
      'seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined")',
    );
    const field = restrictedPod((s) => {
      s.securityContext = { seccompProfile: { type: "Unconfined" } };
    });
    expect(evaluatePod(lv("baseline", 18), {}, field).allowed).toBe(true);
    expect(evaluatePod(lv("baseline", 19), meta, restrictedPod()).allowed).toBe(true);
  });

  test("privileged evaluates nothing", () => {
    const spec = restrictedPod((s) => Object.assign(s, { hostPID: true }));
    expect(evaluatePod(lv("privileged"), {}, spec).allowed).toBe(true);
  });

  test("version: a check newer than the policy version does not run", () => {
    const spec = restrictedPod((s) => {
      c0(s).readinessProbe = { tcpSocket: { host: "h", port: 1 } };
    });
    expect(evaluatePod(lv("baseline", 33), {}, spec).allowed).toBe(true);
    expect(evaluatePod(lv("baseline", 34), {}, spec).allowed).toBe(false);
    const sysctl = restrictedPod((s) => {
      s.securityContext = { ...s.securityContext, sysctls: [{ name: "net.ipv4.tcp_rmem", value: "1 2 3" }] };
    });
    expect(evaluatePod(lv("baseline", 31), {}, sysctl).allowed).toBe(false);
    expect(evaluatePod(lv("baseline", 32), {}, sysctl).allowed).toBe(true);
  });
});

describe("restricted checks", () => {
  test("a pod meeting restricted passes", () => {
    expect(evaluatePod(lv("restricted"), {}, restrictedPod()).allowed).toBe(true);
  });

  test("a bare pod gets upstream's four violations, in upstream's order", () => {
    const spec: PodSpec = { containers: [{ name: "c", image: "nginx" }] };
    expect(detail("restricted", spec)).toBe(
      'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), ' +
        'unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), ' +
        'runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), ' +
        'seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
    expect(evaluatePod(lv("baseline"), {}, spec).allowed).toBe(true);
  });

  test("a privileged host pod: baseline reasons first, overridden baseline checks dropped", () => {
    const spec: PodSpec = {
      hostNetwork: true,
      hostPID: true,
      containers: [
        {
          name: "c",
          securityContext: { privileged: true, runAsUser: 0, capabilities: { add: ["SYS_ADMIN"] } },
        },
      ],
      volumes: [{ name: "host", hostPath: { path: "/" } }],
    };
    const v = evaluatePod(lv("restricted"), {}, spec);
    expect(forbiddenReason(v)).toBe(
      "host namespaces, privileged, allowPrivilegeEscalation != false, unrestricted capabilities, restricted volume types, runAsNonRoot != true, runAsUser=0, seccompProfile",
    );
    expect(forbiddenDetail(v)).toContain(
      'unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]; container "c" must not include "SYS_ADMIN" in securityContext.capabilities.add)',
    );
    expect(forbiddenDetail(v)).toContain(
      'restricted volume types (volume "host" uses restricted volume type "hostPath")',
    );
    expect(forbiddenDetail(v)).toContain('runAsUser=0 (container "c" must not set runAsUser=0)');
    // v1.21: capabilities_restricted does not exist yet, so the baseline one still runs.
    expect(forbiddenReason(evaluatePod(lv("restricted", 21), {}, spec))).toContain(
      "non-default capabilities",
    );
  });

  test("explicit bad values are named before missing ones", () => {
    const spec = restrictedPod((s) => {
      s.securityContext = { runAsNonRoot: false, seccompProfile: { type: "Unconfined" } };
      s.initContainers = [
        { name: "init", securityContext: { ...c0(s).securityContext, runAsNonRoot: false } },
      ];
    });
    const text = detail("restricted", spec);
    expect(text).toContain(
      'runAsNonRoot != true (pod and container "init" must not set securityContext.runAsNonRoot=false)',
    );
    expect(text).toContain(
      'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
    );
  });

  test("volume types: only the core ephemeral and claim types", () => {
    const spec = restrictedPod((s) => {
      s.volumes = [
        { name: "a", nfs: { server: "s", path: "/" } },
        { name: "b", configMap: { name: "x" } },
        { name: "c", gitRepo: { repository: "r" } },
        { name: "d", persistentVolumeClaim: { claimName: "p" } },
      ];
    });
    expect(detail("restricted", spec)).toBe(
      'restricted volume types (volumes "a", "c" use restricted volume types "gitRepo", "nfs")',
    );
  });

  test("capabilities: only NET_BIND_SERVICE may be added", () => {
    const ok = restrictedPod((s) => {
      c0(s).securityContext = {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
      };
    });
    expect(evaluatePod(lv("restricted"), {}, ok).allowed).toBe(true);
  });

  test("windows pods skip the Linux-only restricted checks from v1.25", () => {
    const spec: PodSpec = {
      os: { name: "windows" },
      securityContext: { runAsNonRoot: true },
      containers: [{ name: "c" }],
    };
    expect(evaluatePod(lv("restricted"), {}, spec).allowed).toBe(true);
    expect(evaluatePod(lv("restricted", 24), {}, spec).allowed).toBe(false);
  });
});
