// OCI image manifests and indexes and their docker v2 schema2 twins (image-spec manifest.md,
// image-index.md): parsing with checked digests, and choosing the node's platform from an index
// as containerd's platforms.Default matcher does (linux/<GOARCH>, arm64 variant v8 or none).

import { checkDigest } from "./digest.ts";

export const MEDIA = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerSchema1: "application/vnd.docker.distribution.manifest.v1+prettyjws",
} as const;

/** What the kubelet accepts when it asks a registry for a manifest (containerd's list). */
export const MANIFEST_ACCEPT = [
  MEDIA.ociIndex,
  MEDIA.dockerList,
  MEDIA.ociManifest,
  MEDIA.dockerManifest,
  "*/*",
].join(", ");

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

export type ParsedManifest =
  | { kind: "index"; manifests: Descriptor[] }
  | { kind: "manifest"; config: Descriptor; layers: Descriptor[] };

/** A manifest kube cannot use (schema1, unknown type, malformed JSON, bad descriptors). */
export class ManifestError extends Error {
  override name = "ManifestError";
}

function descriptor(value: unknown, what: string): Descriptor {
  const d = value as Partial<Descriptor> | null;
  if (typeof d !== "object" || d === null) throw new ManifestError(`${what}: not a descriptor`);
  const size = typeof d.size === "number" && Number.isSafeInteger(d.size) && d.size >= 0 ? d.size : -1;
  if (size < 0) throw new ManifestError(`${what}: invalid size ${JSON.stringify(d.size)}`);
  let digest: string;
  try {
    digest = checkDigest(d.digest);
  } catch (error) {
    throw new ManifestError(`${what}: ${(error as Error).message}`);
  }
  return { ...d, mediaType: typeof d.mediaType === "string" ? d.mediaType : "", digest, size } as Descriptor;
}

/** Parses manifest bytes; `contentType` is the registry's (or the descriptor's) media type. */
export function parseManifest(bytes: Uint8Array, contentType = ""): ParsedManifest {
  let doc: {
    mediaType?: string;
    schemaVersion?: number;
    manifests?: unknown[];
    config?: unknown;
    layers?: unknown[];
  };
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new ManifestError(`invalid manifest JSON: ${(error as Error).message}`);
  }
  if (typeof doc !== "object" || doc === null) throw new ManifestError("invalid manifest: not a JSON object");
  const type = doc.mediaType ?? contentType.split(";")[0]?.trim() ?? "";
  if (
    doc.schemaVersion === 1 ||
    type === MEDIA.dockerSchema1 ||
    type === "application/vnd.docker.distribution.manifest.v1+json"
  ) {
    throw new ManifestError(
      "Docker Image Format v1 and Docker Image manifest version 2, schema 1 support has been removed",
    );
  }
  if (Array.isArray(doc.manifests)) {
    return { kind: "index", manifests: doc.manifests.map((m, i) => descriptor(m, `manifests[${i}]`)) };
  }
  if (doc.config !== undefined && Array.isArray(doc.layers)) {
    return {
      kind: "manifest",
      config: descriptor(doc.config, "config"),
      layers: doc.layers.map((l, i) => descriptor(l, `layers[${i}]`)),
    };
  }
  throw new ManifestError(`unsupported manifest media type "${type}"`);
}

/** The node's platform as OCI names it (Node's process.arch to GOARCH). */
export function nodePlatform(arch: string = process.arch): { os: string; architecture: string } {
  const goarch: Record<string, string> = {
    x64: "amd64",
    arm64: "arm64",
    arm: "arm",
    ia32: "386",
    ppc64: "ppc64le",
    s390x: "s390x",
    riscv64: "riscv64",
  };
  return { os: "linux", architecture: goarch[arch] ?? arch };
}

/** The index entry for the platform, as docker words a miss. */
export function selectPlatform(manifests: Descriptor[], platform = nodePlatform()): Descriptor {
  const match = manifests.find((m) => {
    const p = m.platform;
    if (p?.os !== platform.os || p.architecture !== platform.architecture) return false;
    if (platform.architecture === "arm64")
      return p.variant === undefined || p.variant === "" || p.variant === "v8";
    return true;
  });
  if (!match) {
    throw new ManifestError(
      `no matching manifest for ${platform.os}/${platform.architecture} in the manifest list entries`,
    );
  }
  return match;
}
