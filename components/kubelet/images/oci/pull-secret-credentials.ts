// Registry credentials from a pod's imagePullSecrets (kubernetes.io/dockerconfigjson and
// kubernetes.io/dockercfg), matched to an image as upstream's credentialprovider keyring does:
// by registry host (with `*` globs per label) and repository path prefix, most specific first.

import type { Secret } from "kubernetes-types/core/v1";
import type { ImageReference } from "./image-reference.ts";
import type { RegistryCredentials } from "./registry-auth.ts";

interface DockerConfigEntry {
  username?: unknown;
  password?: unknown;
  auth?: unknown;
  identitytoken?: unknown;
  registrytoken?: unknown;
}

const DOCKER_HUB_KEYS = new Set([
  "index.docker.io",
  "index.docker.io/v1",
  "registry-1.docker.io",
  "docker.io",
]);

function entries(secret: Secret): [string, DockerConfigEntry][] {
  const data = secret.data ?? {};
  const decode = (value: string | undefined): unknown => {
    if (value === undefined) return undefined;
    try {
      return JSON.parse(Buffer.from(value, "base64").toString("utf8"));
    } catch {
      return undefined;
    }
  };
  const json = decode(data[".dockerconfigjson"]) as { auths?: Record<string, DockerConfigEntry> } | undefined;
  if (json?.auths && typeof json.auths === "object") return Object.entries(json.auths);
  const cfg = decode(data[".dockercfg"]) as Record<string, DockerConfigEntry> | undefined;
  return cfg && typeof cfg === "object" ? Object.entries(cfg) : [];
}

function credentials(entry: DockerConfigEntry): RegistryCredentials | undefined {
  const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
  let username = text(entry.username);
  let password = text(entry.password);
  const auth = text(entry.auth);
  if (auth && username === undefined) {
    const decoded = Buffer.from(auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0) {
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
  }
  const identityToken = text(entry.identitytoken);
  const registryToken = text(entry.registrytoken);
  if (username === undefined && !identityToken && !registryToken) return undefined;
  return {
    ...(username === undefined ? {} : { username, password: password ?? "" }),
    ...(identityToken ? { identityToken } : {}),
    ...(registryToken ? { registryToken } : {}),
  };
}

function hostMatches(pattern: string, host: string): boolean {
  const [patternName, patternPort] = pattern.split(":");
  const [hostName, hostPort] = host.split(":");
  if (patternPort !== hostPort) return false;
  const p = (patternName ?? "").split(".");
  const h = (hostName ?? "").split(".");
  return p.length === h.length && p.every((label, i) => label === "*" || label === h[i]);
}

/** How specifically `key` names the image's repository; -1 when it does not. */
function matchLength(key: string, ref: ImageReference): number {
  let k = key
    .trim()
    .replace(/^https?:\/\//, "")
    .replace(/\/+$/, "");
  if (DOCKER_HUB_KEYS.has(k)) k = "docker.io";
  const slash = k.indexOf("/");
  const host = slash < 0 ? k : k.slice(0, slash);
  const path = slash < 0 ? "" : k.slice(slash + 1);
  if (!hostMatches(host.toLowerCase(), ref.domain.toLowerCase())) return -1;
  if (path !== "" && ref.path !== path && !ref.path.startsWith(`${path}/`)) return -1;
  return k.length;
}

/** The credentials that apply to `ref`, most specific key first (each is tried in turn). */
export function pullSecretCredentials(secrets: Secret[], ref: ImageReference): RegistryCredentials[] {
  const found: { length: number; creds: RegistryCredentials }[] = [];
  for (const secret of secrets) {
    for (const [key, entry] of entries(secret)) {
      const length = matchLength(key, ref);
      const creds = entry && typeof entry === "object" ? credentials(entry) : undefined;
      if (length >= 0 && creds) found.push({ length, creds });
    }
  }
  return found.sort((a, b) => b.length - a.length).map((f) => f.creds);
}
