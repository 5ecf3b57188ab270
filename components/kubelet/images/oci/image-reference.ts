// An image reference parsed and normalised as docker and containerd do (distribution/reference
// ParseNormalizedNamed + TagNameOnly): docker.io and library/ by default, `latest` when neither
// tag nor digest, a registry host when the first element has a dot, a port or is localhost.

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?$`,
);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const NAME_TOTAL_LENGTH_MAX = 255;

export interface ImageReference {
  /** Registry host as written (`docker.io` for Docker Hub), with port. */
  domain: string;
  /** Repository path inside the registry (`library/busybox`). */
  path: string;
  tag?: string;
  /** `sha256:<hex>` when the reference pins a digest. */
  digest?: string;
}

/** A reference that docker would refuse, with its error text (distribution/reference errors). */
export class InvalidReferenceError extends Error {
  override name = "InvalidReferenceError";
}

/** `docker.io/library/busybox:latest`: the normalised form containerd records. */
export function referenceString(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}${ref.tag === undefined ? "" : `:${ref.tag}`}${ref.digest === undefined ? "" : `@${ref.digest}`}`;
}

/** `docker.io/library/busybox`: the repository without tag or digest. */
export function repositoryName(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The host to speak the distribution API with: Docker Hub's API lives at registry-1.docker.io. */
export function registryHost(ref: ImageReference): string {
  return ref.domain === "docker.io" ? "registry-1.docker.io" : ref.domain;
}

function isDomain(first: string): boolean {
  return first.includes(".") || first.includes(":") || first === "localhost" || first !== first.toLowerCase();
}

/** Parses and normalises `image`; throws InvalidReferenceError with docker's message. */
export function parseImageReference(image: string): ImageReference {
  if (image === "")
    throw new InvalidReferenceError(
      "invalid reference format: repository name must have at least one component",
    );
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new InvalidReferenceError("invalid reference format");
    if (!digest.startsWith("sha256:"))
      throw new InvalidReferenceError(`unsupported digest algorithm: ${digest}`);
    if (!/^sha256:[0-9a-f]{64}$/.test(digest))
      throw new InvalidReferenceError("invalid checksum digest length");
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new InvalidReferenceError("invalid reference format");
  }
  const parts = rest.split("/");
  const first = parts[0] ?? "";
  let domain = "docker.io";
  if (parts.length > 1 && isDomain(first)) {
    domain = first;
    parts.shift();
    if (!DOMAIN.test(domain)) throw new InvalidReferenceError("invalid reference format");
  }
  if (domain === "index.docker.io") domain = "docker.io";
  if (domain === "docker.io" && parts.length === 1) parts.unshift("library");
  const path = parts.join("/");
  for (const part of parts) {
    if (PATH_COMPONENT.test(part)) continue;
    if (PATH_COMPONENT.test(part.toLowerCase()))
      throw new InvalidReferenceError(
        `invalid reference format: repository name (${path}) must be lowercase`,
      );
    throw new InvalidReferenceError(
      part === ""
        ? "invalid reference format: repository name must have at least one component"
        : "invalid reference format",
    );
  }
  if (`${domain}/${path}`.length > NAME_TOTAL_LENGTH_MAX)
    throw new InvalidReferenceError(
      `invalid reference format: repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`,
    );
  if (tag === undefined && digest === undefined) tag = "latest";
  return { domain, path, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}
