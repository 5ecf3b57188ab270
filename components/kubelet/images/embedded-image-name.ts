// Which references name an image built into kube: Docker Hub's official names (`busybox`,
// `busybox:1.36`, `docker.io/library/busybox`), upstream's pause repositories and hyperkube's
// names; never another registry's or namespace's image (`localhost:5000/x/busybox` is pulled).

import { KUBE_ALIAS } from "./image-name-candidates.ts";
import { parseImageReference } from "./oci/image-reference.ts";

/** Docker Hub's names for itself: `library/<name>` there is an official image. */
const DOCKER_HUB = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

/** Where upstream publishes its pause image (kubelet --pod-infra-container-image defaults). */
const PAUSE_REPOSITORIES =
  /^(registry\.k8s\.io|k8s\.gcr\.io|gcr\.io\/google[_-]containers)\/pause(-(amd64|arm64|arm|ppc64le|s390x))?$/;

/** The embedded image `image` names among `names`, or undefined when it names another image. */
export function embeddedImageName(image: string, names: readonly string[]): string | undefined {
  let domain: string;
  let path: string;
  try {
    ({ domain, path } = parseImageReference(image.trim()));
  } catch {
    return undefined;
  }
  const parts = path.split("/");
  const last = parts.at(-1) ?? "";
  let name: string | undefined;
  if (KUBE_ALIAS.test(last)) name = "kube";
  else if (DOCKER_HUB.has(domain) && parts.length === 2 && parts[0] === "library") name = last;
  else if (PAUSE_REPOSITORIES.test(`${domain}/${path}`)) name = "pause";
  return name !== undefined && names.includes(name) ? name : undefined;
}
