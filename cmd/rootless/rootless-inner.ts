// The inner half of rootless kube (rootlesskit's child): `kube server` started by the outer
// process in new user, network and mount namespaces. It tells the outer its namespaces exist,
// waits until the user-mode network is attached, gives itself a private /run (so `ip netns`
// works) and a resolv.conf that points out of the namespace, then runs as root would.

import { spawnSync } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, readlinkSync, writeFileSync, writeSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** Set by the outer process in the inner's environment; fd 3 is the pipe between them. */
export const ROOTLESS_INNER_ENV = "KUBE_ROOTLESS_INNER";
/** The rewritten host resolv.conf the outer leaves for the inner's /etc/resolv.conf. */
export const ROOTLESS_HOST_RESOLV_ENV = "KUBE_ROOTLESS_HOST_RESOLV";

export function isRootlessInner(): boolean {
  return process.env[ROOTLESS_INNER_ENV] === "1";
}

function run(argv: string[]): void {
  const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: "utf8" });
  if (r.status !== 0)
    throw new Error(`rootless: ${argv.join(" ")} failed: ${(r.stderr || r.error?.message || "").trim()}`);
}

/** Where /etc/resolv.conf really lives (a symlink into /run on systemd-resolved hosts). */
function resolvConfTarget(): string {
  try {
    const link = readlinkSync("/etc/resolv.conf");
    return resolve("/etc", link);
  } catch {
    return "/etc/resolv.conf";
  }
}

/**
 * Handshake with the outer process, then the private /run and resolv.conf. Resolves when the
 * network is attached; when the outer goes away (its end of the pipe closes), the inner stops
 * as on Ctrl-C.
 */
export async function enterRootlessInner(): Promise<void> {
  const pipe = createReadStream("", { fd: 3 });
  const attached = new Promise<void>((ok, fail) => {
    pipe.once("data", () => ok());
    pipe.once("end", () =>
      fail(new Error("rootless: the outer kube process went away before the network was attached")),
    );
    pipe.once("error", fail);
  });
  writeSync(3, "ns\n");
  await attached;
  pipe.on("end", () => process.kill(process.pid, "SIGTERM"));
  pipe.on("error", () => process.kill(process.pid, "SIGTERM"));

  const resolvTarget = resolvConfTarget();
  // /run belongs to the host's root: a tmpfs of our own holds /run/netns (ip netns) and crun's state.
  run(["mount", "-t", "tmpfs", "-o", "mode=755,nosuid,nodev", "kube-rootless-run", "/run"]);
  mkdirSync("/run/netns", { recursive: true });
  const hostResolv = process.env[ROOTLESS_HOST_RESOLV_ENV];
  if (hostResolv && existsSync(hostResolv)) {
    if (resolvTarget.startsWith("/run/")) {
      mkdirSync(dirname(resolvTarget), { recursive: true });
      writeFileSync(resolvTarget, await Bun.file(hostResolv).text());
    } else {
      run(["mount", "--bind", hostResolv, "/etc/resolv.conf"]);
    }
  }
  // The host's per-user runtime dir is under the hidden /run.
  delete process.env.XDG_RUNTIME_DIR;
}
