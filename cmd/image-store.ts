// `kube image list` and `kube image import <archive|layout> [--ref REF]`: the kubelet's content
// store under --root-dir (like `crictl images` and `ctr images import`). An imported image is
// then present for pods (imagePullPolicy IfNotPresent or Never) without a registry.

import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ContentStore } from "../components/kubelet/images/oci/content-store.ts";
import { importImageArchive, importOciLayout } from "../components/kubelet/images/oci/image-import.ts";
import {
  type ImageReference,
  parseImageReference,
} from "../components/kubelet/images/oci/image-reference.ts";
import { UsageError } from "./usage-error.ts";

const DEFAULT_ROOT_DIR = "/var/lib/kubelet";

/** 12 hex digits of an image ID, as crictl prints it. */
const shortId = (id: string): string => id.replace(/^sha256:/, "").slice(0, 13);

function humanSize(bytes: number): string {
  if (bytes < 1000) return `${bytes}B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)}kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)}MB`;
  return `${(bytes / 1e9).toFixed(2)}GB`;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd((widths[i] ?? 0) + 3))
        .join("")
        .trimEnd(),
    )
    .join("\n");
}

/** Runs `kube image list|import`; `flags` are citty's parsed flags, `positionals` after the action. */
export async function runImageStore(
  action: string,
  flags: Record<string, unknown>,
  positionals: string[],
): Promise<number> {
  const rootDir = typeof flags["root-dir"] === "string" ? flags["root-dir"] : DEFAULT_ROOT_DIR;
  const store = new ContentStore(join(resolve(rootDir), "images"));
  if (action === "list") {
    const rows = [["IMAGE", "TAG", "IMAGE ID", "SIZE"]];
    for (const image of await store.list()) {
      const names =
        image.references.length > 0
          ? image.references
          : image.repoDigests.map((d) => `${d.split("@")[0]}:<none>`);
      for (const name of names.length > 0 ? names : ["<none>:<none>"]) {
        const colon = name.lastIndexOf(":");
        rows.push([name.slice(0, colon), name.slice(colon + 1), shortId(image.id), humanSize(image.size)]);
      }
    }
    console.log(table(rows));
    return 0;
  }
  const path = positionals[0];
  if (path === undefined)
    throw new UsageError("missing the archive or OCI layout to import: kube image import <path> [--ref REF]");
  let want: ImageReference | undefined;
  if (typeof flags.ref === "string") {
    try {
      want = parseImageReference(flags.ref);
    } catch (error) {
      throw new UsageError(`invalid --ref "${flags.ref}": ${(error as Error).message}`);
    }
  }
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new UsageError(`${path}: no such file or directory`);
  const isLayout =
    info.isDirectory() && (await stat(join(path, "oci-layout")).catch(() => undefined)) !== undefined;
  if (info.isDirectory() && !isLayout)
    throw new UsageError(`${path} is a directory without an oci-layout file`);
  const image = await (isLayout ? importOciLayout : importImageArchive)(
    store,
    resolve(path),
    want,
    Date.now(),
  );
  const names = image.references.length > 0 ? image.references.join(", ") : "(no name: give --ref)";
  console.log(`imported ${names} ${image.id}`);
  return 0;
}
