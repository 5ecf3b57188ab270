// EncryptionConfiguration decoding and validation: upstream's accepted shapes and its messages
// for the mistakes people make (short keys, no base64, two providers in one element, no kind).
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadEncryptionConfig, parseEncryptionConfig } from "./encryption-config.ts";

const key32 = Buffer.alloc(32, 7).toString("base64");
const dir = mkdtempSync(join(tmpdir(), "kt-enc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const yaml = (providers: string, resources = "[secrets]") => `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: ${resources}
    providers:
${providers}
`;

test("upstream's documented example parses", () => {
  const config = parseEncryptionConfig(
    yaml(`      - aescbc:
          keys:
            - name: key1
              secret: ${key32}
      - secretbox:
          keys:
            - name: key2
              secret: ${key32}
      - identity: {}`),
  );
  expect(config.resources[0]?.resources).toEqual(["secrets"]);
  expect(config.resources[0]?.providers.map((p) => Object.keys(p)[0])).toEqual([
    "aescbc",
    "secretbox",
    "identity",
  ]);
});

test("bad keys, bad providers and bad resources are reported with upstream's field paths", () => {
  const shortKey = Buffer.alloc(10).toString("base64");
  expect(() =>
    parseEncryptionConfig(yaml(`      - aescbc: {keys: [{name: k, secret: "${shortKey}"}]}`)),
  ).toThrow(
    'error while parsing file: resources[0].providers[0].aescbc.keys[0].secret: Invalid value: "REDACTED": secret is not of the expected length, got 10, expected one of [16 24 32]',
  );
  expect(() =>
    parseEncryptionConfig(yaml(`      - secretbox: {keys: [{name: k, secret: "not base64!"}]}`)),
  ).toThrow(
    'resources[0].providers[0].secretbox.keys[0].secret: Invalid value: "REDACTED": secrets must be base64 encoded',
  );
  expect(() => parseEncryptionConfig(yaml(`      - aesgcm: {keys: []}`))).toThrow(
    "resources[0].providers[0].aesgcm.keys: Required value: at least one keys is required",
  );
  expect(() => parseEncryptionConfig(yaml(`      - aescbc: {keys: [{secret: "${key32}"}]}`))).toThrow(
    "resources[0].providers[0].aescbc.keys[0].name: Required value: name is a mandatory field for a key",
  );
  expect(() =>
    parseEncryptionConfig(yaml(`      - {identity: {}, aescbc: {keys: [{name: k, secret: "${key32}"}]}}`)),
  ).toThrow(
    "more than one provider specified in a single element, should split into different list elements",
  );
  expect(() => parseEncryptionConfig(yaml(`      - aesgcb: {}`))).toThrow(
    "provider does not contain any of the expected providers: KMS, AESGCM, AESCBC, Secretbox, Identity",
  );
  expect(() => parseEncryptionConfig(yaml("      - identity: {}", "[Secrets]"))).toThrow(
    'resources[0].resources[0]: Invalid value: "Secrets": resource name should not contain capital letters',
  );
  expect(() => parseEncryptionConfig(yaml("      - identity: {}", "[secrets, '*.']"))).toThrow(
    "using overlapping resources such as 'secrets' and '*.' in the same resource list is not allowed",
  );
  expect(() => parseEncryptionConfig(yaml("      - identity: {}", "['*']"))).toThrow(
    "use '*.' to encrypt all the resources from core API group or *.* to encrypt all resources",
  );
  expect(() => parseEncryptionConfig(yaml("      - kms: {name: x, endpoint: unix:///k.sock}"))).toThrow(
    "kube supports the aescbc, aesgcm, secretbox and identity providers",
  );
  expect(() => parseEncryptionConfig("apiVersion: v1\nkind: ConfigMap\n")).toThrow(
    'no kind "ConfigMap" is registered for version "v1"',
  );
  expect(() => parseEncryptionConfig("resources: []\n")).toThrow("Object 'Kind' is missing");
  expect(() =>
    parseEncryptionConfig("apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\n"),
  ).toThrow("resources: Required value: at least one resources is required");
});

test("the file: missing and empty are errors naming the path", async () => {
  const missing = join(dir, "missing.yaml");
  await expect(loadEncryptionConfig(missing)).rejects.toThrow(
    `error opening encryption provider configuration file "${missing}"`,
  );
  const empty = join(dir, "empty.yaml");
  writeFileSync(empty, "");
  await expect(loadEncryptionConfig(empty)).rejects.toThrow(
    `encryption provider configuration file "${empty}" is empty`,
  );
  const good = join(dir, "good.json");
  writeFileSync(
    good,
    JSON.stringify({
      apiVersion: "apiserver.config.k8s.io/v1",
      kind: "EncryptionConfiguration",
      resources: [
        { resources: ["secrets"], providers: [{ aesgcm: { keys: [{ name: "k", secret: key32 }] } }] },
      ],
    }),
  );
  expect((await loadEncryptionConfig(good)).resources[0]?.providers[0]?.aesgcm?.keys[0]?.name).toBe("k");
});
