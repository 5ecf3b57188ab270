import { describe, expect, test } from "bun:test";
import { defaultCapabilities, effectiveCapabilities, maskedPaths } from "./default-security.ts";
import { buildSpec, type SpecInput } from "./oci-spec.ts";
import { runtimeDefaultProfile } from "./seccomp-profile.ts";

const base: SpecInput = {
  args: ["sh"],
  env: ["PATH=/bin"],
  cwd: "/",
  user: { uid: 0, gid: 0, additionalGids: [] },
  rootfs: "/rootfs",
  readonlyRootfs: false,
  privileged: false,
  namespaces: [{ type: "mount" }, { type: "pid" }],
  binds: [{ source: "/host/vol", destination: "/data", readOnly: true }],
  seccomp: (caps) => runtimeDefaultProfile(caps, "x64"),
};

describe("effectiveCapabilities", () => {
  test("the default set, drops, adds, ALL", () => {
    expect(effectiveCapabilities(false).sort()).toEqual([...defaultCapabilities].sort());
    expect(effectiveCapabilities(false, [], ["NET_RAW", "CAP_KILL"])).not.toContain("CAP_NET_RAW");
    expect(effectiveCapabilities(false, ["NET_ADMIN"], ["ALL"])).toEqual(["CAP_NET_ADMIN"]);
    expect(effectiveCapabilities(false, [], ["all"])).toEqual([]);
    expect(effectiveCapabilities(false, ["ALL"]).length).toBeGreaterThan(30);
    expect(effectiveCapabilities(true)).toContain("CAP_SYS_ADMIN");
  });
});

describe("buildSpec", () => {
  test("a default container: containerd's mounts, masked paths, capabilities, seccomp, binds", () => {
    const spec = buildSpec(base);
    expect(spec.mounts.map((m) => m.destination)).toEqual([
      "/proc",
      "/dev",
      "/dev/pts",
      "/dev/shm",
      "/dev/mqueue",
      "/sys",
      "/data",
    ]);
    expect(spec.mounts.find((m) => m.destination === "/sys")?.options).toContain("ro");
    expect(spec.mounts.at(-1)).toEqual({
      destination: "/data",
      type: "bind",
      source: "/host/vol",
      options: ["rbind", "rprivate", "ro"],
    });
    expect(spec.linux.maskedPaths).toEqual(maskedPaths);
    expect(spec.process.capabilities.effective.sort()).toEqual([...defaultCapabilities].sort());
    expect(spec.process.noNewPrivileges).toBe(false);
    expect(spec.linux.seccomp?.defaultAction).toBe("SCMP_ACT_ALLOW");
    const denied = spec.linux.seccomp?.syscalls[0]?.names ?? [];
    expect(denied).toEqual(expect.arrayContaining(["mount", "keyctl", "unshare", "init_module"]));
    expect(spec.linux.resources.devices).toEqual([{ allow: false, access: "rwm" }]);
  });

  test("non-root keeps only the bounding set; allowPrivilegeEscalation false sets no_new_privs", () => {
    const spec = buildSpec({
      ...base,
      user: { uid: 1000, gid: 1000, additionalGids: [] },
      allowPrivilegeEscalation: false,
    });
    expect(spec.process.capabilities.effective).toEqual([]);
    expect(spec.process.capabilities.bounding.sort()).toEqual([...defaultCapabilities].sort());
    expect(spec.process.noNewPrivileges).toBe(true);
  });

  test("privileged: every capability, nothing masked, rw /sys, all devices, no seccomp", () => {
    const spec = buildSpec({ ...base, privileged: true, allowPrivilegeEscalation: false });
    expect(spec.process.capabilities.effective).toContain("CAP_SYS_ADMIN");
    expect(spec.linux.maskedPaths).toEqual([]);
    expect(spec.linux.readonlyPaths).toEqual([]);
    expect(spec.mounts.find((m) => m.destination === "/sys")?.options).toContain("rw");
    expect(spec.linux.resources.devices).toEqual([{ allow: true, access: "rwm" }]);
    expect(spec.linux.seccomp).toBeUndefined();
    expect(spec.process.noNewPrivileges).toBe(false);
  });

  test("CAP_SYS_ADMIN lifts the mount and namespace rules from the profile", () => {
    const spec = buildSpec({ ...base, capabilities: { add: ["SYS_ADMIN"] } });
    const rules = spec.linux.seccomp?.syscalls ?? [];
    expect(rules[0]?.names).not.toContain("mount");
    expect(rules.some((r) => r.names.includes("clone"))).toBe(false);
    const plain = buildSpec(base).linux.seccomp?.syscalls ?? [];
    expect(plain.filter((r) => r.names.includes("clone"))).toHaveLength(8);
  });

  test("limits: memory, CPU quota and shares (the kubelet's millicore conversions)", () => {
    const spec = buildSpec({
      ...base,
      cgroupsPath: "/kube-x",
      memoryLimitBytes: 64 << 20,
      cpuLimitMillis: 500,
      cpuRequestMillis: 250,
    });
    expect(spec.linux.cgroupsPath).toBe("/kube-x");
    expect(spec.linux.resources.memory).toEqual({ limit: 64 << 20 });
    expect(spec.linux.resources.cpu).toEqual({ shares: 256, period: 100000, quota: 50000 });
    expect(buildSpec(base).linux.resources.cpu).toBeUndefined();
  });

  test("readOnlyRootFilesystem and the hostname", () => {
    const spec = buildSpec({ ...base, readonlyRootfs: true, hostname: "web-0" });
    expect(spec.root).toEqual({ path: "/rootfs", readonly: true });
    expect(spec.hostname).toBe("web-0");
  });

  test("/dev/shm: its own tmpfs, or a bind of the pod's shm (read-only for the pause)", () => {
    const own = buildSpec(base).mounts.find((m) => m.destination === "/dev/shm");
    expect(own).toEqual({
      destination: "/dev/shm",
      type: "tmpfs",
      source: "shm",
      options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"],
    });
    const pod = buildSpec({ ...base, shm: { source: "/state/sandboxes/s1/shm", readOnly: false } });
    const shm = pod.mounts.filter((m) => m.destination === "/dev/shm");
    expect(shm).toEqual([
      {
        destination: "/dev/shm",
        type: "bind",
        source: "/state/sandboxes/s1/shm",
        options: ["rbind", "rprivate", "rw", "nosuid", "nodev", "noexec"],
      },
    ]);
    const pause = buildSpec({ ...base, shm: { source: "/s", readOnly: true } });
    expect(pause.mounts.find((m) => m.destination === "/dev/shm")?.options).toContain("ro");
  });
});
