import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Pod } from "kubernetes-types/core/v1";
import { appArmorAdmission, appArmorEnabled } from "./apparmor-admission.ts";

const notEnabled = {
  reason: "AppArmor",
  message: "Cannot enforce AppArmor: AppArmor is not enabled on the host",
};
const pod = (extra: Partial<Pod> = {}, container: Record<string, unknown> = {}): Pod => ({
  metadata: { name: "p", ...(extra.metadata ?? {}) },
  spec: { containers: [{ name: "c", image: "busybox", ...container }], ...(extra.spec ?? {}) },
  ...(extra.status ? { status: extra.status } : {}),
});

describe("appArmorAdmission without AppArmor on the host", () => {
  test("no profile, or only Unconfined: admitted", () => {
    expect(appArmorAdmission(pod(), false)).toBeUndefined();
    expect(
      appArmorAdmission(pod({}, { securityContext: { appArmorProfile: { type: "Unconfined" } } }), false),
    ).toBeUndefined();
    const annotated = pod({
      metadata: { annotations: { "container.apparmor.security.beta.kubernetes.io/c": "unconfined" } },
    });
    expect(appArmorAdmission(annotated, false)).toBeUndefined();
  });

  test("RuntimeDefault or Localhost, by field or annotation: rejected with upstream's message", () => {
    expect(
      appArmorAdmission(pod({}, { securityContext: { appArmorProfile: { type: "RuntimeDefault" } } }), false),
    ).toEqual(notEnabled);
    const podLevel = pod({
      spec: {
        containers: [{ name: "c" }],
        securityContext: { appArmorProfile: { type: "Localhost", localhostProfile: "k8s-deny-write" } },
      },
    });
    expect(appArmorAdmission(podLevel, false)).toEqual(notEnabled);
    const annotated = pod({
      metadata: { annotations: { "container.apparmor.security.beta.kubernetes.io/c": "runtime/default" } },
    });
    expect(appArmorAdmission(annotated, false)).toEqual(notEnabled);
    const init = pod({
      spec: {
        containers: [{ name: "c" }],
        initContainers: [{ name: "i", securityContext: { appArmorProfile: { type: "RuntimeDefault" } } }],
      },
    });
    expect(appArmorAdmission(init, false)).toEqual(notEnabled);
  });

  test("a pod already running is not checked again (kubelet restart)", () => {
    const running = pod(
      { status: { phase: "Running" } },
      { securityContext: { appArmorProfile: { type: "RuntimeDefault" } } },
    );
    expect(appArmorAdmission(running, false)).toBeUndefined();
  });
});

describe("appArmorAdmission with AppArmor on the host", () => {
  test("admits profiles; an empty Localhost name is refused", () => {
    expect(
      appArmorAdmission(pod({}, { securityContext: { appArmorProfile: { type: "RuntimeDefault" } } }), true),
    ).toBeUndefined();
    const empty = pod(
      {},
      { securityContext: { appArmorProfile: { type: "Localhost", localhostProfile: " " } } },
    );
    expect(appArmorAdmission(empty, true)?.message).toStartWith(
      "Cannot enforce AppArmor: invalid empty AppArmor profile name",
    );
  });
});

describe("appArmorEnabled", () => {
  const dir = mkdtempSync(join(tmpdir(), "kt-apparmor-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("needs securityfs's apparmor dir and the module's Y", () => {
    expect(appArmorEnabled(dir)).toBe(false);
    mkdirSync(join(dir, "kernel", "security", "apparmor"), { recursive: true });
    mkdirSync(join(dir, "module", "apparmor", "parameters"), { recursive: true });
    writeFileSync(join(dir, "module", "apparmor", "parameters", "enabled"), "N\n");
    expect(appArmorEnabled(dir)).toBe(false);
    writeFileSync(join(dir, "module", "apparmor", "parameters", "enabled"), "Y\n");
    expect(appArmorEnabled(dir)).toBe(true);
  });
});
