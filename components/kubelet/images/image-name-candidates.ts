// The file names an image reference may have in the image directory, most specific first:
// the full reference sanitised (`nginx:1.25`), then the repository without registry,
// `library/`, tag or digest (`docker.io/library/nginx:1.25` -> `nginx`), then its last path
// element (`bitnami/nginx` -> `nginx`), and `kube` for hyperkube's names. Docker's reference
// grammar, simplified.

/** A file name from a reference: `/` and anything unusual become `_`, so it never leaves the dir. */
function sanitise(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._:+-]/g, "_");
  return safe === "." || safe === ".." ? "" : safe;
}

/** The repository path: no registry host, no `library/`, no tag, no digest. */
export function repositoryOf(image: string): string {
  let rest = image.trim();
  const at = rest.indexOf("@");
  if (at >= 0) rest = rest.slice(0, at);
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) rest = rest.slice(0, colon);
  const parts = rest.split("/");
  const first = parts[0] ?? "";
  // As Docker decides: a first element with a dot or port, or "localhost", is a registry host.
  if (parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost")) {
    parts.shift();
  }
  if (parts.length > 1 && parts[0] === "library") parts.shift();
  return parts.join("/");
}

/**
 * Repositories that are kube itself, as the hyperkube image was (gcr.io/google_containers/
 * hyperkube, k8s.gcr.io/hyperkube-amd64, registry.k8s.io/hyperkube-arm64, ...): `kube` follows them.
 */
export const KUBE_ALIAS = /^hyperkube(-(amd64|arm64|arm|ppc64le|s390x))?$/;

/** Candidate names, deduplicated, most specific first; empty for an empty reference. */
export function imageNameCandidates(image: string): string[] {
  const repository = repositoryOf(image);
  const last = repository.split("/").at(-1) ?? "";
  const names = [sanitise(image.trim()), sanitise(repository), sanitise(last)];
  if (KUBE_ALIAS.test(last)) names.push("kube");
  return [...new Set(names.filter((name) => name !== ""))];
}
