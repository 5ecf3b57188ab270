// The data directory of the SQLite KV: where the database lives, and who holds it. An exclusive
// SQLite lock on kube.lock is the real guard (the database itself stays shared with the WAL
// checkpointer's connection); the owner file only lets a second process name the holder.
// Every file in it is 0600 whatever the umask: the database holds Secrets and tokens.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { StoreLockedError } from "../errors.ts";
import type { Database, OpenDatabase } from "./driver.ts";

export const DB_FILE = "kube.db";
const LOCK_FILE = "kube.lock";
const OWNER_FILE = "owner";

/** SQLite's companions of the database file; it creates them with the database file's mode. */
const SIDE_FILES = ["-wal", "-shm", "-journal"];

/** Only the owner reads or writes the data: kube's own files, whatever mode an older run left. */
const FILE_MODE = 0o600;

export function prepareDataDir(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, DB_FILE);
  // Created here rather than by SQLite (which uses 0644 less the umask); SQLite then gives the
  // WAL and journal files the database file's mode. chmod as well: the umask may take bits away.
  closeSync(openSync(path, "a", FILE_MODE));
  closeSync(openSync(join(dataDir, LOCK_FILE), "a", FILE_MODE));
  for (const file of [path, join(dataDir, LOCK_FILE), ...SIDE_FILES.map((suffix) => path + suffix)]) {
    if (existsSync(file)) chmodSync(file, FILE_MODE);
  }
  return path;
}

/**
 * Takes the data dir for this process: an exclusive lock on kube.lock (an empty SQLite file),
 * held until the returned connection closes, or released by the OS when the process dies.
 * Another holder, in this process or another, makes it throw lockedError.
 */
export function lockDataDir(dataDir: string, open: OpenDatabase): Database {
  const lock = open(join(dataDir, LOCK_FILE));
  try {
    lock.exec("PRAGMA busy_timeout = 0; PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;");
  } catch (err) {
    lock.close();
    const code = (err as { code?: string }).code;
    if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") throw lockedError(dataDir);
    throw err;
  }
  return lock;
}

/** Record this process as the holder (called once the lock is taken). */
export function recordOwner(dataDir: string): void {
  // In a compiled binary argv[1] is the embedded script (/$bunfs/...): name the program the
  // user ran (argv0, the symlink name for multicall) and its subcommand instead.
  const program = basename(process.argv0 || process.execPath);
  const sub = process.argv[2] && !process.argv[2].startsWith("-") ? ` ${process.argv[2]}` : "";
  const command = `${program}${sub}`;
  const owner = join(dataDir, OWNER_FILE);
  writeFileSync(owner, `${process.pid} ${command}\n`, { mode: FILE_MODE });
  chmodSync(owner, FILE_MODE);
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
