// One image in kube's content store (containerd's images.Image plus what the kubelet needs from
// its config), as the store's index records it.

export interface ImageConfigFacts {
  entrypoint: string[];
  cmd: string[];
  env: string[];
  user?: string;
  workingDir?: string;
  exposedPorts: string[];
}

export interface StoredImage {
  /** The config blob's digest: the image ID (`sha256:...`), as docker and CRI report it. */
  id: string;
  /** The platform manifest's digest. */
  manifestDigest: string;
  /** Normalised tagged references (`docker.io/library/busybox:1.36`). */
  references: string[];
  /** `repository@sha256:...` of the digest pulled (an index's digest when pulled through one). */
  repoDigests: string[];
  /** Every blob the image holds: manifests, config, compressed layers. */
  blobs: string[];
  /** Unpacked layer diff_ids, lowest first. */
  layers: string[];
  /** Bytes of config and layer blobs (what `crictl images` calls the size). */
  size: number;
  config: ImageConfigFacts;
  createdAt: number;
  lastUsedAt: number;
}
