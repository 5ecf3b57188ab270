// The AdmissionConfiguration file: inline and path PodSecurity configurations, defaulting, and
// the errors for bad files, kinds, levels and duplicate exemptions.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readAdmissionConfigFile } from "./admission-config-file.ts";
import { parsePodSecurityConfig } from "./pod-security-config.ts";

const dir = mkdtempSync(join(tmpdir(), "kt-psa-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("readAdmissionConfigFile", () => {
  test("an inline PodSecurityConfiguration", () => {
    const path = file(
      "inline.yaml",
      `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: EventRateLimit
  path: ignored.yaml
- name: PodSecurity
  configuration:
    apiVersion: pod-security.admission.config.k8s.io/v1
    kind: PodSecurityConfiguration
    defaults:
      enforce: baseline
      enforce-version: v1.30
      warn: restricted
    exemptions:
      namespaces: [kube-system]
      usernames: [admin]
`,
    );
    const config = readAdmissionConfigFile(path).podSecurity;
    expect(config?.defaults.enforce).toEqual({ level: "baseline", version: { latest: false, minor: 30 } });
    expect(config?.defaults.warn).toEqual({ level: "restricted", version: { latest: true } });
    expect(config?.defaults.audit.level).toBe("privileged");
    expect(config?.exemptions).toEqual({
      namespaces: ["kube-system"],
      usernames: ["admin"],
      runtimeClasses: [],
    });
  });

  test("a configuration in a file next to it (path)", () => {
    file(
      "psa.yaml",
      "apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: restricted\n",
    );
    const path = file(
      "by-path.yaml",
      "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  path: psa.yaml\n",
    );
    expect(readAdmissionConfigFile(path).podSecurity?.defaults.enforce.level).toBe("restricted");
  });

  test("no PodSecurity entry: nothing configured", () => {
    const path = file(
      "none.yaml",
      "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins: []\n",
    );
    expect(readAdmissionConfigFile(path).podSecurity).toBeUndefined();
  });

  test("bad input is refused naming the file and the field", () => {
    expect(() => readAdmissionConfigFile(join(dir, "missing.yaml"))).toThrow(
      /unable to read admission control configuration from ".*missing.yaml"/,
    );
    const wrongKind = file("kind.yaml", "apiVersion: v1\nkind: ConfigMap\n");
    expect(() => readAdmissionConfigFile(wrongKind)).toThrow(
      /no kind "ConfigMap" is registered for version "v1"/,
    );
    const badLevel = file(
      "level.yaml",
      "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  configuration:\n    apiVersion: pod-security.admission.config.k8s.io/v1\n    kind: PodSecurityConfiguration\n    defaults: {enforce: strict}\n",
    );
    expect(() => readAdmissionConfigFile(badLevel)).toThrow(
      'defaults.enforce: Invalid value: "strict": must be one of privileged, baseline, restricted',
    );
  });
});

describe("parsePodSecurityConfig", () => {
  const base = { apiVersion: "pod-security.admission.config.k8s.io/v1", kind: "PodSecurityConfiguration" };
  test("duplicate and empty exemptions, bad versions", () => {
    expect(() =>
      parsePodSecurityConfig({ ...base, exemptions: { namespaces: ["a", "a"], usernames: [""] } }),
    ).toThrow('exemptions.usernames[0]: Invalid value: "": must be a non-empty string');
    expect(() => parsePodSecurityConfig({ ...base, exemptions: { namespaces: ["a", "a"] } })).toThrow(
      'exemptions.namespaces[1]: Duplicate value: "a"',
    );
    expect(() => parsePodSecurityConfig({ ...base, defaults: { "warn-version": "1.30" } })).toThrow(
      'defaults.warn-version: Invalid value: "1.30": must be "latest" or "v1.x"',
    );
    expect(() => parsePodSecurityConfig("text")).toThrow("PodSecurityConfiguration must be an object");
  });
});
