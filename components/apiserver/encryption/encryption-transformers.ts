// An EncryptionConfiguration turned into one transformer per storage key: which resource a key
// belongs to (by upstream's storage layout), then that resource's providers in order, exact
// names before `*.<group>` before `*.*`. Upstream: k8s.io/apiserver
// pkg/server/options/encryptionconfig/config.go (prefixes k8s:enc:<provider>:v1:<key name>:).
import { RESOURCES } from "../../../lib/api/resources.ts";
import { aesCbcTransformer, aesGcmTransformer } from "./aes-transformers.ts";
import {
  type EncryptionConfiguration,
  type KeysConfiguration,
  type ProviderConfiguration,
  parseGroupResource,
} from "./encryption-config.ts";
import { secretboxTransformer } from "./secretbox-transformer.ts";
import {
  bytesOf,
  identityTransformer,
  type PrefixTransformer,
  prefixTransformers,
  type ValueTransformer,
} from "./value-transformer.ts";

/** The transformer for a storage key, or undefined when the key's resource is not encrypted. */
export type TransformerForKey = (key: string) => ValueTransformer | undefined;

function keyed(
  keys: KeysConfiguration,
  noMatch: string,
  make: (secret: Uint8Array) => ValueTransformer,
): ValueTransformer {
  return prefixTransformers(
    noMatch,
    keys.keys.map((k) => ({
      prefix: bytesOf(`${k.name}:`),
      transformer: make(new Uint8Array(Buffer.from(k.secret, "base64"))),
    })),
  );
}

function providerTransformer(p: ProviderConfiguration): PrefixTransformer {
  const aesNoMatch = "no matching key was found for the provided AES transformer";
  if (p.aescbc)
    return {
      prefix: bytesOf("k8s:enc:aescbc:v1:"),
      transformer: keyed(p.aescbc, aesNoMatch, aesCbcTransformer),
    };
  if (p.aesgcm)
    return {
      prefix: bytesOf("k8s:enc:aesgcm:v1:"),
      transformer: keyed(p.aesgcm, aesNoMatch, aesGcmTransformer),
    };
  if (p.secretbox)
    return {
      prefix: bytesOf("k8s:enc:secretbox:v1:"),
      transformer: keyed(
        p.secretbox,
        "no matching key was found for the provided Secretbox transformer",
        secretboxTransformer,
      ),
    };
  return { prefix: new Uint8Array(0), transformer: identityTransformer };
}

let storagePrefixes: Map<string, string> | undefined;

/** Storage prefix (`/registry/services/specs`) -> `<resource>.<group>` (`services.`), first served wins. */
function prefixTable(): Map<string, string> {
  if (storagePrefixes) return storagePrefixes;
  storagePrefixes = new Map();
  for (const r of RESOURCES) {
    // events.k8s.io Events are stored as core events, as upstream.
    const gr = `${r.plural}.${r.group === "events.k8s.io" ? "" : r.group}`;
    if (!storagePrefixes.has(r.storagePrefix)) storagePrefixes.set(r.storagePrefix, gr);
  }
  return storagePrefixes;
}

/**
 * `<resource>.<group>` of a storage key (`secrets.` for core): built-ins by the table, custom
 * resources by `/registry/<group>/<plural>/`; undefined for keys that are no resource's.
 */
export function resourceOfKey(key: string): string | undefined {
  const segments = key.split("/");
  if (segments[0] !== "" || segments[1] !== "registry" || segments.length < 4) return undefined;
  const [a = "", b = ""] = segments.slice(2);
  const table = prefixTable();
  const known = table.get(`/registry/${a}/${b}`) ?? table.get(`/registry/${a}`);
  if (known !== undefined) return known;
  return a.includes(".") && b !== "" ? `${b}.${a}` : undefined;
}

export function transformersFor(config: EncryptionConfiguration): TransformerForKey {
  const byResource = new Map<string, PrefixTransformer[]>();
  for (const entry of config.resources) {
    const providers = entry.providers.map(providerTransformer);
    for (const name of entry.resources) {
      const { group, resource } = parseGroupResource(name);
      const gr = `${resource}.${group}`;
      byResource.set(gr, [...(byResource.get(gr) ?? []), ...providers]);
    }
  }
  const built = new Map<string, ValueTransformer>();
  for (const [gr, list] of byResource) built.set(gr, prefixTransformers("no matching prefix found", list));
  const cache = new Map<string, ValueTransformer | undefined>();
  const lookup = (gr: string): ValueTransformer | undefined => {
    const { group } = parseGroupResource(gr);
    return built.get(gr) ?? built.get(`*.${group}`) ?? built.get("*.*");
  };
  return (key) => {
    const gr = resourceOfKey(key);
    if (gr === undefined) return undefined;
    if (!cache.has(gr)) cache.set(gr, lookup(gr));
    return cache.get(gr);
  };
}
