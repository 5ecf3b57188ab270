// Writes a volume's files so a reader never sees a half-written set (upstream
// pkg/volume/util/atomic_writer.go): the payload goes into a fresh `..<timestamp>` directory,
// the `..data` symlink is swapped to it with one rename, and each top-level name is a symlink
// through `..data`. An unchanged payload is left alone.
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, normalize } from "node:path";

export interface FileProjection {
  data: Uint8Array | string;
  /** Permission bits, e.g. 0o644. */
  mode: number;
}

export type Payload = Map<string, FileProjection>;

export class PayloadPathError extends Error {
  override name = "PayloadPathError";
}

const DATA_DIR = "..data";
const DATA_DIR_TMP = "..data_tmp";

/** upstream validatePath: relative, no `..` element, not starting with `..`, at most 4096 bytes. */
export function validatePayloadPath(path: string): void {
  if (path === "") throw new PayloadPathError("invalid path: must not be empty");
  if (path.length > 4096)
    throw new PayloadPathError(`invalid path: must be less than or equal to 4096 characters`);
  if (path.startsWith("/")) throw new PayloadPathError(`invalid path: must be relative path: ${path}`);
  if (path.split("/").includes(".."))
    throw new PayloadPathError(`invalid path: must not contain '..': ${path}`);
  if (path.startsWith("..")) throw new PayloadPathError(`invalid path: must not start with '..': ${path}`);
}

function cleanPayload(payload: Payload): Map<string, FileProjection> {
  const out = new Map<string, FileProjection>();
  for (const [path, file] of payload) {
    validatePayloadPath(path);
    out.set(normalize(path), file);
  }
  return out;
}

function bytesOf(data: Uint8Array | string): Buffer {
  return typeof data === "string" ? Buffer.from(data) : Buffer.from(data);
}

/** Whether the directory `..data` points at holds exactly `payload` (contents and modes). */
function unchanged(dataDir: string, payload: Map<string, FileProjection>): boolean {
  if (!existsSync(dataDir)) return false;
  const present = new Set<string>();
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dataDir, rel))) {
      const path = rel ? `${rel}/${name}` : name;
      if (lstatSync(join(dataDir, path)).isDirectory()) walk(path);
      else present.add(path);
    }
  };
  walk("");
  if (present.size !== payload.size) return false;
  for (const [path, file] of payload) {
    if (!present.has(path)) return false;
    const full = join(dataDir, path);
    if ((lstatSync(full).mode & 0o7777) !== file.mode) return false;
    if (!readFileSync(full).equals(bytesOf(file.data))) return false;
  }
  return true;
}

function timestampName(now: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `..${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}_${p(now.getUTCHours())}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}.`;
}

/**
 * Makes `dir` hold `payload`; returns false when it already did. Paths in the payload are
 * relative; nested ones create directories inside the timestamped directory.
 */
export function writeAtomically(dir: string, payload: Payload, now: Date = new Date()): boolean {
  const files = cleanPayload(payload);
  mkdirSync(dir, { recursive: true });
  const dataLink = join(dir, DATA_DIR);
  let oldTsName: string | undefined;
  try {
    oldTsName = readlinkSync(dataLink);
  } catch {
    oldTsName = undefined;
  }
  if (oldTsName && unchanged(join(dir, oldTsName), files)) return false;

  // 1. The new generation in its own directory.
  const tsDir = mkdtempSync(join(dir, timestampName(now)));
  const tsName = tsDir.slice(dir.length + 1);
  for (const [path, file] of files) {
    const full = join(tsDir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, bytesOf(file.data));
    chmodSync(full, file.mode);
  }
  chmodSync(tsDir, 0o755);

  // 2. Swap `..data` to it in one rename.
  const tmpLink = join(dir, DATA_DIR_TMP);
  rmSync(tmpLink, { force: true });
  symlinkSync(tsName, tmpLink);
  renameSync(tmpLink, dataLink);

  // 3. The user-visible names: one symlink per top-level element, through `..data`.
  const topLevel = new Set([...files.keys()].map((p) => p.split("/")[0] as string));
  for (const name of topLevel) {
    const link = join(dir, name);
    let current: string | undefined;
    try {
      current = readlinkSync(link);
    } catch {
      current = undefined;
    }
    if (current === join(DATA_DIR, name)) continue;
    rmSync(link, { recursive: true, force: true });
    symlinkSync(join(DATA_DIR, name), link);
  }
  // 4. Names no longer in the payload, and the old generation.
  for (const name of readdirSync(dir)) {
    if (name.startsWith("..") || topLevel.has(name)) continue;
    const path = join(dir, name);
    if (lstatSync(path).isSymbolicLink()) unlinkSync(path);
  }
  if (oldTsName && oldTsName !== tsName) rmSync(join(dir, oldTsName), { recursive: true, force: true });
  return true;
}
