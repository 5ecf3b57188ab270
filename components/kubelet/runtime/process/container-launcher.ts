// Starts one container: its supervisor (forked by the node's launcher, or spawned; its own session,
// stdio to a file, so the kubelet's death cannot reach it), then its verdict on the start (`start`):
// told by the launcher's `ready` line, else polled.

import { closeSync, openSync, statSync } from "node:fs";
import { join } from "node:path";
import { defaultPath } from "./launch-command.ts";
import { processStartTime } from "./proc-stat.ts";
import type { RuntimeState } from "./runtime-state.ts";
import type { SupervisorLauncher } from "./supervisor-launcher.ts";

export interface LaunchResult {
  supervisorPid: number;
  supervisorStartTime: string | undefined;
  /** Resolves when the supervisor process ends (only for a supervisor this process spawned). */
  supervisorExited: Promise<number>;
  pid?: number;
  pidStartTime?: string;
  /** When the supervisor's child execed the argv (the `start` file's mtime). */
  startedAt?: Date;
  /** The supervisor's error (set-up or exec) when the argv never ran. */
  startError?: string;
}

/**
 * The supervisor, forked by the node's launcher when there is one (falling back to a spawn if it
 * fails), else spawned detached with stdio to `output` so the kubelet's death cannot reach it.
 */
async function spawnSupervisor(
  output: string,
  argv: string[],
  launcher: SupervisorLauncher | undefined,
): Promise<{
  pid: number;
  exited: Promise<number>;
  ready?: Promise<boolean>;
  readyPid?: Promise<number | undefined>;
}> {
  if (launcher !== undefined) {
    try {
      // supervisor.pl says when its container execed; other scripts (the OCI monitor) are polled.
      const supervisor = argv[1]?.endsWith("/supervisor.pl") === true;
      return await launcher.launch(argv, output, supervisor ? "supervise" : "", { ready: supervisor });
    } catch {
      // The launcher is gone or broken: spawn this one directly.
    }
  }
  const fd = openSync(output, "a");
  let proc: ReturnType<typeof Bun.spawn>;
  try {
    proc = Bun.spawn(argv, {
      stdin: "ignore",
      stdout: fd,
      stderr: fd,
      cwd: "/",
      env: { PATH: defaultPath, LC_ALL: "C" },
    });
  } finally {
    closeSync(fd);
  }
  proc.unref();
  return { pid: proc.pid, exited: proc.exited };
}

/** How long a start may take before the container is reported running anyway. */
const handshakeTimeoutMs = 10_000;

export async function launchContainer(
  state: RuntimeState,
  id: string,
  argv: string[],
  launcher?: SupervisorLauncher,
): Promise<LaunchResult> {
  const dir = state.containerDir(id);
  const spawned = await spawnSupervisor(join(dir, "supervisor.log"), argv, launcher);
  const result: LaunchResult = {
    supervisorPid: spawned.pid,
    supervisorStartTime: await processStartTime(spawned.pid),
    supervisorExited: spawned.exited,
  };
  let supervisorDone = false;
  spawned.exited.then((code) => {
    // NaN: the launcher ended, not the supervisor.
    if (!Number.isNaN(code)) supervisorDone = true;
  });
  const deadline = Date.now() + handshakeTimeoutMs;
  let saidReady = false;
  if (spawned.ready !== undefined) {
    spawned.ready.then((ok) => {
      saidReady = ok;
    });
    // One wake-up instead of polling the start file (100 containers starting together polled
    // ~10 files/ms); a launcher that died first leaves the polling below to find out.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      spawned.ready,
      spawned.exited,
      new Promise((resolve) => {
        timer = setTimeout(resolve, handshakeTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }
  // supervisor.pl names its container's pid in the ready line instead of writing a pid file
  // (resolved with the ready line itself, so never waited for beyond it).
  const readyPid = saidReady && spawned.readyPid !== undefined ? await spawned.readyPid : undefined;
  let verdict: string | undefined;
  for (let delay = 2; Date.now() < deadline; delay = Math.min(delay * 2, 10)) {
    verdict = await state.readContainerFile(id, "start");
    if (verdict !== undefined && verdict !== "") break;
    if (supervisorDone) {
      verdict = await state.readContainerFile(id, "start");
      break;
    }
    await Bun.sleep(delay);
  }
  // The child may report its start before the supervisor has written its pid: wait for the pid
  // too, or the container would stay "created" (never running) in every later status.
  let pidText = readyPid !== undefined ? `${readyPid}` : await state.readContainerFile(id, "pid");
  for (let delay = 2; (pidText === undefined || pidText === "") && verdict === "ok" && !supervisorDone; ) {
    if (Date.now() >= deadline) break;
    await Bun.sleep(delay);
    delay = Math.min(delay * 2, 10);
    pidText = await state.readContainerFile(id, "pid");
  }
  if (pidText !== undefined && pidText !== "") {
    result.pid = Number(pidText);
    const startTime = await processStartTime(result.pid);
    if (startTime !== undefined) result.pidStartTime = startTime;
  }
  if (verdict === "ok") {
    result.startedAt = statSync(join(dir, "start")).mtime;
  } else if (verdict?.startsWith("error ")) {
    result.startError = verdict.slice("error ".length);
  } else if (verdict !== "ok" && supervisorDone && (await state.readExit(id)) === undefined) {
    const log = (await state.readContainerFile(id, "supervisor.log")) ?? "";
    result.startError = `the container supervisor failed: ${log.split("\n").slice(-3).join(" ") || "no output"}`;
  }
  return result;
}
