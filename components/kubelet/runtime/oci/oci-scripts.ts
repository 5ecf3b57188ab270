// Installs the OCI runtime's constant Perl scripts (node-monitor.pl, monitor.pl, exec-tty.pl, and
// the process runtime's launcher.pl, which forks the monitors) under its bin dir.
// Written to a temp file and renamed: a monitor adopted from a previous run keeps its old inode.

import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { launcherScript } from "../process/launcher-script.ts";
import { execTtyScript } from "./exec-tty-script.ts";
import { monitorScript } from "./monitor-script.ts";
import { nodeMonitorScript } from "./node-monitor-script.ts";

export async function installOciScripts(binDir: string): Promise<void> {
  await mkdir(binDir, { recursive: true });
  for (const [name, text] of [
    ["monitor.pl", monitorScript],
    ["node-monitor.pl", nodeMonitorScript],
    ["exec-tty.pl", execTtyScript],
    ["launcher.pl", launcherScript],
  ] as const) {
    const path = join(binDir, name);
    if ((await readFile(path, "utf8").catch(() => undefined)) === text) continue;
    await writeFile(`${path}.${process.pid}.tmp`, text, { mode: 0o755 });
    await rename(`${path}.${process.pid}.tmp`, path);
  }
}
