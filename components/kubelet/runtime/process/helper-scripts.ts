// Installs the runtime's constant Perl scripts (supervisor.pl, launcher.pl, enter.pl) under <rootDir>/runtime/bin.
// Written to a temp file and renamed: a supervisor adopted from a previous run keeps its old inode.

import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { enterScript } from "./enter-script.ts";
import { launcherScript } from "./launcher-script.ts";
import { supervisorScript } from "./supervisor-script.ts";

export async function installHelperScripts(binDir: string): Promise<void> {
  await mkdir(binDir, { recursive: true });
  for (const [name, text] of [
    ["supervisor.pl", supervisorScript],
    ["launcher.pl", launcherScript],
    ["enter.pl", enterScript],
  ] as const) {
    const path = join(binDir, name);
    const current = await readFile(path, "utf8").catch(() => undefined);
    if (current === text) continue;
    await writeFile(`${path}.${process.pid}.tmp`, text, { mode: 0o755 });
    await rename(`${path}.${process.pid}.tmp`, path);
  }
}
