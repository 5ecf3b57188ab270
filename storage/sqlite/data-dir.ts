// The data directory of the SQLite KV: where the database lives, and who holds it. SQLite's
// exclusive lock is the real guard; the owner file only lets a second process name the holder.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { StoreLockedError } from "../errors.ts";

export const DB_FILE = "kube.db";
const OWNER_FILE = "owner";

export function prepareDataDir(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return join(dataDir, DB_FILE);
}

/** Record this process as the holder (called once the lock is taken). */
export function recordOwner(dataDir: string): void {
  // In a compiled binary argv[1] is the embedded script (/$bunfs/...): name the program the
  // user ran (argv0, the symlink name for multicall) and its subcommand instead.
  const program = basename(process.argv0 || process.execPath);
  const sub = process.argv[2] && !process.argv[2].startsWith("-") ? ` ${process.argv[2]}` : "";
  const command = `${program}${sub}`;
  writeFileSync(join(dataDir, OWNER_FILE), `${process.pid} ${command}\n`);
}

export function lockedError(dataDir: string): StoreLockedError {
  let holder = "another process";
  try {
    const [pid, ...command] = readFileSync(join(dataDir, OWNER_FILE), "utf8").trim().split(" ");
    if (pid) holder = `process ${pid}${command.length > 0 ? ` (${command.join(" ")})` : ""}`;
  } catch {
    // No owner file: the holder is not a kube process we know of.
  }
  return new StoreLockedError(
    `data dir ${dataDir} is in use by ${holder}; stop that process or choose another --data-dir`,
  );
}
