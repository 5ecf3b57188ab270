// The default imagePullPolicy of an image reference: Always for `:latest` or no tag, else
// IfNotPresent. Upstream: pkg/apis/core/v1/defaults.go SetDefaults_Container with
// pkg/util/parsers ParseImageName (an unparsable reference has no tag: IfNotPresent).

const NAME_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** The tag of a reference as ParseImageName sees it: "latest" when neither tag nor digest, "" when unparsable. */
export function imageTag(image: string): string {
  if (image === "" || image !== image.trim()) return "";
  let rest = image;
  let digest = "";
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!/^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/.test(digest)) return "";
  }
  let tag = "";
  const slash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return "";
  }
  const parts = rest.split("/");
  // A first component with a dot, a colon or "localhost" is a registry host, not a path.
  const first = parts[0] ?? "";
  const path = parts.length > 1 && (/[.:]/.test(first) || first === "localhost") ? parts.slice(1) : parts;
  if (path.length === 0 || !path.every((p) => NAME_COMPONENT.test(p))) return "";
  return tag === "" && digest === "" ? "latest" : tag;
}

export function defaultPullPolicy(image: unknown): "Always" | "IfNotPresent" {
  return typeof image === "string" && imageTag(image) === "latest" ? "Always" : "IfNotPresent";
}
