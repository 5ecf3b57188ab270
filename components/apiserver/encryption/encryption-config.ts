// EncryptionConfiguration (apiserver.config.k8s.io/v1), the file of --encryption-provider-config:
// decoding and upstream's validation with its messages. Upstream: k8s.io/apiserver
// pkg/apis/config/validation/validation.go and pkg/server/options/encryptionconfig/config.go.
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";

export interface EncryptionKey {
  name: string;
  /** base64 of the key bytes. */
  secret: string;
}

export interface KeysConfiguration {
  keys: EncryptionKey[];
}

/** Exactly one member is set (validated). */
export interface ProviderConfiguration {
  aescbc?: KeysConfiguration;
  aesgcm?: KeysConfiguration;
  secretbox?: KeysConfiguration;
  identity?: Record<string, never>;
  kms?: Record<string, unknown>;
}

export interface ResourceConfiguration {
  /** `secrets`, `deployments.apps`, `*.apps`, `*.` (core), `*.*`. */
  resources: string[];
  providers: ProviderConfiguration[];
}

export interface EncryptionConfiguration {
  resources: ResourceConfiguration[];
}

const apiVersions = ["apiserver.config.k8s.io/v1", "apiserver.k8s.io/v1", "apiserver.config.k8s.io/v1alpha1"];
const aesKeySizes = [16, 24, 32];
const secretboxKeySizes = [32];
const providerNames = ["kms", "aesgcm", "aescbc", "secretbox", "identity"] as const;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Go's %v of a string slice: `[16 24 32]`, `[secrets *.]`. */
const goList = (items: (string | number)[]) => `[${items.join(" ")}]`;

function decodeBase64(secret: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(secret) || secret.length % 4 !== 0) return undefined;
  return new Uint8Array(Buffer.from(secret, "base64"));
}

/** `deployments.apps` -> {group: "apps", resource: "deployments"}, as schema.ParseGroupResource. */
export function parseGroupResource(text: string): { group: string; resource: string } {
  const dot = text.indexOf(".");
  return dot < 0
    ? { group: "", resource: text }
    : { group: text.slice(dot + 1), resource: text.slice(0, dot) };
}

function validateResources(resources: string[], path: string, errs: string[]): void {
  const parsed = resources.map(parseGroupResource);
  let duplicate = false;
  let overlap = false;
  parsed.forEach((a, i) => {
    parsed.forEach((b, j) => {
      if (i === j) return;
      if (a.group === b.group && a.resource === b.resource) duplicate = true;
      else if (
        (a.group === "*" && a.resource === "*") ||
        (a.group === b.group && (a.resource === "*" || b.resource === "*"))
      )
        overlap = true;
    });
  });
  const list = goList(resources);
  if (duplicate)
    errs.push(`${path}: Invalid value: ${list}: the same resource cannot be specified multiple times`);
  if (overlap)
    errs.push(
      `${path}: Invalid value: ${list}: using overlapping resources such as 'secrets' and '*.' in the same resource list is not allowed as they will be masked`,
    );
  resources.forEach((res, j) => {
    const at = `${path}[${j}]: Invalid value: "${res}": `;
    const gr = parseGroupResource(res);
    if (res.toLowerCase() !== res) errs.push(`${at}resource name should not contain capital letters`);
    else if (res === "*")
      errs.push(
        `${at}use '*.' to encrypt all the resources from core API group or *.* to encrypt all resources`,
      );
    else if (["apiserveripinfo", "serviceipallocations", "servicenodeportallocations"].includes(res))
      errs.push(`${at}resources which do not have REST API/s cannot be encrypted`);
    else if (gr.group === "events.k8s.io")
      errs.push(
        `${at}'*.events.k8s.io' objects are stored using the 'events' API group in etcd. Use 'events' instead in the config file`,
      );
    else if (gr.group === "extensions")
      errs.push(`${at}'extensions' group has been removed and cannot be used for encryption`);
    else if (gr.group === "*" && gr.resource !== "*")
      errs.push(`${at}encrypting the same resource across groups is not supported`);
  });
}

function validateKeys(value: unknown, path: string, sizes: number[], errs: string[]): KeysConfiguration {
  const keys = isObject(value) && Array.isArray(value.keys) ? value.keys : [];
  if (keys.length === 0) {
    errs.push(`${path}: Required value: at least one keys is required`);
    return { keys: [] };
  }
  return {
    keys: keys.map((raw: unknown, i) => {
      const key = isObject(raw) ? raw : {};
      const name = typeof key.name === "string" ? key.name : "";
      const secret = typeof key.secret === "string" ? key.secret : "";
      const at = `${path}[${i}]`;
      if (name === "") errs.push(`${at}.name: Required value: name is a mandatory field for a key`);
      if (secret === "") errs.push(`${at}.secret: Required value: secret is a mandatory field for a key`);
      else {
        const bytes = decodeBase64(secret);
        if (bytes === undefined)
          errs.push(`${at}.secret: Invalid value: "REDACTED": secrets must be base64 encoded`);
        else if (!sizes.includes(bytes.length))
          errs.push(
            `${at}.secret: Invalid value: "REDACTED": secret is not of the expected length, got ${bytes.length}, expected one of ${goList(sizes)}`,
          );
      }
      return { name, secret };
    }),
  };
}

function validateProvider(value: unknown, path: string, errs: string[]): ProviderConfiguration {
  const raw = isObject(value) ? value : {};
  const present = providerNames.filter((n) => raw[n] !== undefined && raw[n] !== null);
  if (present.length === 0) {
    errs.push(
      `${path}: Invalid value: ${JSON.stringify(raw)}: provider does not contain any of the expected providers: KMS, AESGCM, AESCBC, Secretbox, Identity`,
    );
    return {};
  }
  if (present.length > 1) {
    errs.push(
      `${path}: Invalid value: ${JSON.stringify(raw)}: more than one provider specified in a single element, should split into different list elements`,
    );
    return {};
  }
  switch (present[0]) {
    case "aescbc":
      return { aescbc: validateKeys(raw.aescbc, `${path}.aescbc.keys`, aesKeySizes, errs) };
    case "aesgcm":
      return { aesgcm: validateKeys(raw.aesgcm, `${path}.aesgcm.keys`, aesKeySizes, errs) };
    case "secretbox":
      return { secretbox: validateKeys(raw.secretbox, `${path}.secretbox.keys`, secretboxKeySizes, errs) };
    case "identity":
      return { identity: {} };
    default:
      // KMS needs a KMS plugin speaking upstream's gRPC protocol over a unix socket; kube has none.
      errs.push(
        `${path}.kms: Unsupported value: "kms": kube supports the aescbc, aesgcm, secretbox and identity providers`,
      );
      return {};
  }
}

/** Decodes and validates a configuration; throws `error while parsing file: ...` as upstream. */
export function parseEncryptionConfig(text: string): EncryptionConfiguration {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new Error(`error while parsing file: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isObject(doc))
    throw new Error("error while parsing file: Object 'Kind' is missing in the configuration");
  const { kind, apiVersion } = doc;
  if (typeof kind !== "string" || kind === "")
    throw new Error(`error while parsing file: Object 'Kind' is missing in '${text.trim()}'`);
  if (
    kind !== "EncryptionConfiguration" ||
    typeof apiVersion !== "string" ||
    !apiVersions.includes(apiVersion)
  )
    throw new Error(
      `error while parsing file: no kind "${kind}" is registered for version "${String(apiVersion ?? "")}" in scheme (want kind EncryptionConfiguration, apiVersion apiserver.config.k8s.io/v1)`,
    );
  const errs: string[] = [];
  const rawResources = Array.isArray(doc.resources) ? doc.resources : [];
  if (rawResources.length === 0) errs.push("resources: Required value: at least one resources is required");
  const resources = rawResources.map((raw: unknown, i): ResourceConfiguration => {
    const entry = isObject(raw) ? raw : {};
    const r = `resources[${i}].resources`;
    const p = `resources[${i}].providers`;
    const names = Array.isArray(entry.resources) ? entry.resources.map(String) : [];
    if (names.length === 0) errs.push(`${r}: Required value: at least one ${r} is required`);
    validateResources(names, r, errs);
    const providers = Array.isArray(entry.providers) ? entry.providers : [];
    if (providers.length === 0) errs.push(`${p}: Required value: at least one ${p} is required`);
    return {
      resources: names,
      providers: providers.map((v: unknown, j) => validateProvider(v, `${p}[${j}]`, errs)),
    };
  });
  if (errs.length > 0)
    throw new Error(`error while parsing file: ${errs.length === 1 ? errs[0] : `[${errs.join(", ")}]`}`);
  return { resources };
}

/** Reads --encryption-provider-config, with upstream's messages for a missing or empty file. */
export async function loadEncryptionConfig(path: string): Promise<EncryptionConfiguration> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `error while parsing file: error opening encryption provider configuration file "${path}": ${reason}`,
    );
  }
  if (text.length === 0)
    throw new Error(`error while parsing file: encryption provider configuration file "${path}" is empty`);
  return parseEncryptionConfig(text);
}
