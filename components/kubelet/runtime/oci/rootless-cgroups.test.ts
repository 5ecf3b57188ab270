// rootless-cgroups.ts: the user namespace test on uid_map text, and which cgroup mode crun gets.

import { describe, expect, test } from "bun:test";
import { inUserNamespace, usableCgroupMode, userNamespaceProblem } from "./rootless-cgroups.ts";

describe("inUserNamespace", () => {
  test("the initial namespace maps the whole range", () => {
    expect(inUserNamespace("         0          0 4294967295\n")).toBe(false);
  });
  test("rootless kube's map (own uid, then a subordinate range) is a user namespace", () => {
    expect(inUserNamespace("0 1001 1\n1 165536 65536\n")).toBe(true);
    expect(inUserNamespace("0 1001 1\n")).toBe(true);
  });
  test("a partial map that starts at 0 is still a user namespace", () => {
    expect(inUserNamespace("0 0 65536\n")).toBe(true);
  });
});

describe("usableCgroupMode", () => {
  test("outside a user namespace the host's mode stands, writable or not", () => {
    for (const mode of ["v1", "v2", "hybrid", "none"] as const)
      expect(usableCgroupMode(mode, { userNamespace: false, writable: () => false })).toBe(mode);
  });
  test("in a user namespace without a writable parent cgroup: none (crun --cgroup-manager=disabled)", () => {
    expect(usableCgroupMode("v1", { userNamespace: true, writable: () => false })).toBe("none");
    expect(usableCgroupMode("v2", { userNamespace: true, writable: () => false })).toBe("none");
  });
  test("in a user namespace with a delegated (writable) parent: the host's mode", () => {
    const asked: string[] = [];
    const mode = usableCgroupMode("v2", {
      userNamespace: true,
      root: "/kt-cgroup",
      writable: (path) => {
        asked.push(path);
        return true;
      },
    });
    expect(mode).toBe("v2");
    expect(asked).toHaveLength(1);
    expect(asked[0]?.startsWith("/kt-cgroup/")).toBe(true);
  });
  test("v1 asks about the memory controller's directory", () => {
    const asked: string[] = [];
    usableCgroupMode("v1", {
      userNamespace: true,
      root: "/kt-cgroup",
      writable: (path) => {
        asked.push(path);
        return false;
      },
    });
    expect(asked[0]?.startsWith("/kt-cgroup/memory/")).toBe(true);
  });
});

test("userNamespaceProblem: overlayfs in a user namespace needs Linux 5.11", () => {
  expect(userNamespaceProblem("6.18.0-kt")).toBeUndefined();
  expect(userNamespaceProblem("5.11.0")).toBeUndefined();
  expect(userNamespaceProblem("5.10.0-28-amd64")).toContain("cannot mount overlayfs in a user namespace");
  expect(userNamespaceProblem("4.19.0")).toContain("5.11+");
  expect(userNamespaceProblem("garbage")).toContain("5.11+");
});
