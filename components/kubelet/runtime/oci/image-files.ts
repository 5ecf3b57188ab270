// The host files a host-executable image runs from (seed 000's image files, kube's own binary or
// source tree for the embedded images), which a runtime with its own rootfs binds read-only.

import { existsSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";

/** Host directories every host-tools rootfs already has read-only. */
const systemPrefixes = ["/usr/", "/bin/", "/sbin/", "/lib/", "/lib64/"];

/** The project root of a source file (the nearest directory with a package.json), or undefined. */
function projectRoot(file: string): string | undefined {
  for (let dir = dirname(file); dir !== "/" && dir !== "."; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
  }
  return undefined;
}

/** What to bind for an image resolved to a host executable (absolute paths in its entrypoint). */
export function imageHostFiles(image: { source: string; entrypoint: string[] }): string[] {
  if (image.source === "oci") return [];
  const files = new Set<string>();
  for (const part of image.entrypoint) {
    if (!isAbsolute(part) || !existsSync(part)) continue;
    let real = part;
    try {
      real = realpathSync(part);
    } catch {
      continue;
    }
    // kube run from source (`bun cmd/main.ts`) needs its whole tree (imports, node_modules).
    const root = /\.[cm]?[jt]s$/.test(real) ? projectRoot(real) : undefined;
    const path = root ?? real;
    if (systemPrefixes.some((prefix) => path.startsWith(prefix))) continue;
    files.add(path);
  }
  // A file inside a bound directory needs no bind of its own.
  return [...files].filter((f) => ![...files].some((d) => d !== f && f.startsWith(`${d}/`)));
}
