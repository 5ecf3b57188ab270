// Images kept as files in --image-dir without a registry: an OCI image layout directory
// (`<name>/oci-layout`) or a `docker save`/OCI archive (`<name>.tar`, `<name>.tar.gz`), imported
// into the content store once per file version and then resolved from there.

import { stat } from "node:fs/promises";
import { join } from "node:path";
import { imageNameCandidates } from "./image-name-candidates.ts";
import { ImagePullError } from "./image-pull-error.ts";
import { importImageArchive, importOciLayout } from "./oci/image-import.ts";
import type { ImageReference } from "./oci/image-reference.ts";
import type { OciImageSource } from "./oci/oci-image-source.ts";
import type { ResolvedImage } from "./resolved-image.ts";

interface Found {
  path: string;
  kind: "layout" | "archive";
  version: string;
}

async function findIn(imageDir: string, image: string): Promise<Found | undefined> {
  for (const name of imageNameCandidates(image)) {
    const layout = await stat(join(imageDir, name, "oci-layout")).catch(() => undefined);
    if (layout?.isFile()) {
      const index = await stat(join(imageDir, name, "index.json")).catch(() => undefined);
      return {
        path: join(imageDir, name),
        kind: "layout",
        version: `${index?.mtimeMs}:${index?.size}:${index?.ino}`,
      };
    }
    for (const suffix of [".tar", ".tar.gz"]) {
      const path = join(imageDir, `${name}${suffix}`);
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile())
        return { path, kind: "archive", version: `${info.mtimeMs}:${info.size}:${info.ino}` };
    }
  }
  return undefined;
}

/** The resolver's image-dir importer: undefined when the dir holds no layout or archive for `image`. */
export function imageDirArchives(imageDir: string, oci: OciImageSource, now: () => number = Date.now) {
  const imported = new Map<string, { version: string; id: string }>();
  return async (image: string, ref: ImageReference | undefined): Promise<ResolvedImage | undefined> => {
    const found = await findIn(imageDir, image);
    if (!found) return undefined;
    const key = `${found.path}\0${image}`;
    const known = imported.get(key);
    if (known?.version === found.version) {
      const stored = (await oci.store.list()).find((i) => i.id === known.id);
      if (stored) return oci.resolved(image, stored);
    }
    try {
      const load = found.kind === "layout" ? importOciLayout : importImageArchive;
      const stored = await load(oci.store, found.path, ref, now());
      imported.set(key, { version: found.version, id: stored.id });
      return oci.resolved(image, stored);
    } catch (error) {
      throw new ImagePullError(
        image,
        `failed to import image "${image}" from ${found.path}: ${(error as Error).message}`,
      );
    }
  };
}
