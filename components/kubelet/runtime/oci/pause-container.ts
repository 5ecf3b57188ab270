// The pod's pause container (CRI RunPodSandbox's infra container), only where a pod needs a process
// to hold a namespace (shareProcessNamespace: PID 1 reaping orphans; hostPID), run by crun with no
// capabilities, RuntimeDefault seccomp and a read-only host-tools rootfs; else the namespaces are pinned.

import { mkdir, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { PAUSE_SCRIPT } from "../../images/embedded/pause.ts";
import { processAlive, processStartTime } from "../process/proc-stat.ts";
import { prepareRootfs, removeRootfs } from "./container-rootfs.ts";
import type { CrunCommand } from "./crun-command.ts";
import { pauseNamespaces } from "./namespaces.ts";
import type { OciSandboxRecord } from "./oci-sandbox-record.ts";
import { buildSpec } from "./oci-spec.ts";
import { pauseElf } from "./pause-elf.ts";
import { namespacesPinned, unpinNamespaces } from "./pinned-namespaces.ts";
import { runtimeDefaultProfile } from "./seccomp-profile.ts";

/**
 * What the pause runs: the pause ELF (pause-elf.ts: reaps orphans as PID 1 of a shared PID namespace,
 * SIGTERM ends it with 0), copied to the bundle's path inside its rootfs, so `ps` (and a test's
 * leftover sweep) can tell whose pause it is. Without one for this CPU (or KUBE_OCI_PAUSE_ELF=0):
 * alone in a PID namespace of its own, one `sleep` (PID 1 ignores the signals it has no handler for;
 * the pod's removal sends SIGKILL) linked at that path; else (shareProcessNamespace, hostPID) the sh
 * loop that reaps and ends on SIGTERM.
 */
async function pauseArgs(rootfs: string, bundle: string, sandbox: OciSandboxRecord): Promise<string[]> {
  const elf = process.env.KUBE_OCI_PAUSE_ELF === "0" ? undefined : pauseElf();
  const path = join(rootfs, bundle, "pause");
  if (elf !== undefined) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, elf, { mode: 0o755 });
    return [join(bundle, "pause")];
  }
  const sleep = Bun.which("sleep");
  if (sandbox.hostPID === true || sandbox.shareProcessNamespace === true || sleep === null) {
    // $0 names the bundle for the same reason.
    return ["/bin/sh", "-c", PAUSE_SCRIPT, bundle];
  }
  await mkdir(dirname(path), { recursive: true });
  await symlink(sleep, path);
  return [join(bundle, "pause"), "2147483647"];
}

/** crun's id of the pod's pause container. */
export const pauseId = (sandboxId: string) => `pause-${sandboxId}`;

/** Starts the pause container in `dir` (the sandbox's state dir); sets pausePid on the record. */
export async function startPause(crun: CrunCommand, dir: string, sandbox: OciSandboxRecord): Promise<void> {
  const bundle = join(dir, "pause");
  const rootfs = await prepareRootfs(bundle, undefined, []);
  const spec = buildSpec({
    args: await pauseArgs(rootfs.path, bundle, sandbox),
    env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],
    cwd: "/",
    user: { uid: 65535, gid: 65535, additionalGids: [] },
    rootfs: rootfs.path,
    readonlyRootfs: true,
    privileged: false,
    capabilities: { drop: ["ALL"] },
    allowPrivilegeEscalation: false,
    seccomp: (caps) => runtimeDefaultProfile(caps),
    namespaces: pauseNamespaces(sandbox),
    ...(sandbox.hostNetwork ? {} : { hostname: sandbox.hostname }),
    binds: rootfs.binds,
    // containerd binds the pod's shm read-only into the sandbox container too.
    ...(sandbox.shm !== undefined && sandbox.hostIPC !== true
      ? { shm: { source: sandbox.shm, readOnly: true } }
      : {}),
  });
  await writeFile(join(bundle, "config.json"), JSON.stringify(spec));
  const pidFile = join(bundle, "pid");
  const args = ["run", "--detach", "--pid-file", pidFile, "--bundle", bundle, pauseId(sandbox.id)];
  // No cgroup of its own: the pause needs no limits or stats, and creating one per controller is
  // a good part of a pod's start time on cgroup v1.
  const result = await crun.runDetached(args, join(bundle, "crun.log"), { cgroups: false });
  if (result.exitCode !== 0) {
    await removeRootfs(bundle).catch(() => undefined);
    throw new Error(`cannot start the pod's pause container: ${result.error}`);
  }
  const pid = Number((await Bun.file(pidFile).text()).trim());
  sandbox.pausePid = pid;
  const startTime = await processStartTime(pid);
  if (startTime !== undefined) sandbox.pauseStartTime = startTime;
}

/** True while the sandbox holds its namespaces: they are pinned, or its pause process runs. */
export function sandboxAlive(sandbox: OciSandboxRecord): Promise<boolean> {
  if (sandbox.namespaces !== undefined) return Promise.resolve(namespacesPinned(sandbox.namespaces));
  if (sandbox.pausePid === undefined) return Promise.resolve(false);
  return processAlive(sandbox.pausePid, sandbox.pauseStartTime);
}

/** Kills and deletes the pause container and its rootfs, or unpins the namespaces (idempotent). */
export async function removePause(crun: CrunCommand, dir: string, sandbox: OciSandboxRecord): Promise<void> {
  if (sandbox.namespaces !== undefined) {
    unpinNamespaces(dir);
    return;
  }
  // The pause leads its own process group (crun's setsid): killing the group also ends a sleep of
  // its (no ELF), which no PID namespace teardown (hostPID) or cgroup (the pause has none) would reach.
  if (sandbox.pausePid !== undefined && (await sandboxAlive(sandbox))) {
    try {
      process.kill(-sandbox.pausePid, "SIGKILL");
    } catch {
      // Gone.
    }
  }
  await crun.run(["delete", "--force", pauseId(sandbox.id)]);
  await removeRootfs(join(dir, "pause"));
}
