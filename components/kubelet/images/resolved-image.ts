// What an image reference resolves to for the kubelet (CRI's Image plus its config): the argv
// defaults, the image ID the pod status reports and, for OCI images, the unpacked layers.

export interface ResolvedImage {
  /** The image as the pod spec names it. */
  image: string;
  /** `kube://embedded/<name>`, `file://<path>@sha256:<file hash>`, or for OCI `<repo>@sha256:<manifest>` (else the config digest). */
  imageID: string;
  /** The image's entrypoint (replaced by a container's `command`). */
  entrypoint: string[];
  /** The image's default arguments (replaced by a container's `args`). */
  args: string[];
  source: "image-dir" | "embedded" | "oci";
  /** Present for OCI images: the unpacked layers, lowest first (read-only dirs), and config. */
  rootfs?: { layers: string[]; user?: string; workingDir?: string; env: string[] };
  /** Set when this resolve pulled from a registry: how long it took and the image's size. */
  pulled?: { durationMs: number; size: number };
}
