// --admission-control-config-file and --disable-admission-plugins: the fallback, a file, the
// plugin turned off, and the usage errors for unknown plugins and unreadable files.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kubeServerPodSecurityConfig } from "../components/apiserver/admission/pod-security/kube-server-pod-security.ts";
import { readAdmissionFlags } from "./admission-flags.ts";
import { UsageError } from "./usage-error.ts";

const dir = mkdtempSync(join(tmpdir(), "kt-admission-flags-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("without flags the fallback applies; PodSecurity in --disable-admission-plugins turns it off", () => {
  const fallback = kubeServerPodSecurityConfig();
  expect(readAdmissionFlags({}, fallback)).toBe(fallback);
  expect(
    readAdmissionFlags({ "disable-admission-plugins": "ResourceQuota, PodSecurity" }, fallback),
  ).toBeUndefined();
  expect(readAdmissionFlags({ "disable-admission-plugins": "LimitRanger" }, fallback)).toBe(fallback);
});

test("the file's PodSecurity configuration replaces the fallback", () => {
  const path = join(dir, "admission.yaml");
  writeFileSync(
    path,
    "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  configuration:\n    apiVersion: pod-security.admission.config.k8s.io/v1\n    kind: PodSecurityConfiguration\n    defaults: {enforce: restricted}\n",
  );
  const config = readAdmissionFlags({ "admission-control-config-file": path }, kubeServerPodSecurityConfig());
  expect(config?.defaults.enforce.level).toBe("restricted");
  expect(config?.exemptions.namespaces).toEqual([]);
});

test("unknown plugins and unreadable files are usage errors", () => {
  expect(() =>
    readAdmissionFlags({ "disable-admission-plugins": "PodSecurityPolicy" }, kubeServerPodSecurityConfig()),
  ).toThrow(new UsageError('disable-admission-plugins plugin "PodSecurityPolicy" is unknown'));
  expect(() =>
    readAdmissionFlags(
      { "admission-control-config-file": join(dir, "nope.yaml") },
      kubeServerPodSecurityConfig(),
    ),
  ).toThrow(/--admission-control-config-file: unable to read admission control configuration from/);
});
