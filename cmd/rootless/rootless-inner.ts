// The inner half of rootless kube (rootlesskit's child): `kube server` started by the outer
// process in new user, network and mount namespaces. It tells the outer its namespaces exist (the
// outer attaches the user-mode network meanwhile), gives itself a private /run (so `ip netns`
// works) and a resolv.conf that points out of the namespace, then runs as root would.

import { spawnSync } from "node:child_process";
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readlinkSync,
  statfsSync,
  writeFileSync,
  writeSync,
} from "node:fs";
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

const CGROUP2_MAGIC = 0x63677270;

/**
 * On a hybrid cgroup host crun refuses to run; as root kube unmounts /sys/fs/cgroup/unified in
 * crun's own mount namespace, but in a user namespace that mount is locked (EPERM). A tmpfs over
 * it hides it the same way, so crun sees cgroup v1 (where, rootless, it makes no cgroups).
 */
function hideUnifiedCgroup(): void {
  try {
    if (statfsSync("/sys/fs/cgroup/unified").type !== CGROUP2_MAGIC) return;
  } catch {
    return;
  }
  run(["mount", "-t", "tmpfs", "-o", "ro,size=4k", "kube-rootless-no-unified", "/sys/fs/cgroup/unified"]);
}

/**
 * Pods' traffic to the outside (and to the host's 127.0.0.1 at 10.0.2.2) leaves through tap0 with
 * the namespace's own address: slirp4netns answers only 10.0.2.100 (the bridge plugin's ipMasq).
 */
function masqueradeOutOfTap(): void {
  writeFileSync("/proc/sys/net/ipv4/ip_forward", "1\n");
  const ruleset = [
    "table ip kube-rootless {",
    "  chain postrouting {",
    "    type nat hook postrouting priority srcnat; policy accept;",
    '    oifname "tap0" masquerade',
    "  }",
    "}",
  ].join("\n");
  const r = spawnSync("nft", ["-f", "-"], { input: ruleset, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`rootless: nft (masquerade out of tap0) failed: ${r.stderr.trim()}`);
}

/**
 * Tells the outer process its namespaces exist (it attaches slirp4netns meanwhile: nothing here
 * needs the network before pods do), then the private /run and resolv.conf. When the outer goes
 * away (its end of the pipe closes), the inner stops as on Ctrl-C.
 */
export async function enterRootlessInner(): Promise<void> {
  const pipe = createReadStream("", { fd: 3 });
  // The log goes through the outer: once it is gone, writes fail (EPIPE) and must not stop the
  // orderly shutdown that removes the pods.
  process.stderr.on("error", () => undefined);
  pipe.on("end", () => process.kill(process.pid, "SIGTERM"));
  pipe.on("error", () => process.kill(process.pid, "SIGTERM"));
  pipe.resume();
  writeSync(3, "ns\n");

  const resolvTarget = resolvConfTarget();
  // /run belongs to the host's root: a tmpfs of our own holds /run/netns (ip netns) and crun's state.
  run(["mount", "-t", "tmpfs", "-o", "mode=755,nosuid,nodev", "kube-rootless-run", "/run"]);
  mkdirSync("/run/netns", { recursive: true });
  hideUnifiedCgroup();
  const hostResolv = process.env[ROOTLESS_HOST_RESOLV_ENV];
  if (hostResolv && existsSync(hostResolv)) {
    if (resolvTarget.startsWith("/run/")) {
      mkdirSync(dirname(resolvTarget), { recursive: true });
      writeFileSync(resolvTarget, await Bun.file(hostResolv).text());
    } else {
      run(["mount", "--bind", hostResolv, "/etc/resolv.conf"]);
    }
  }
  masqueradeOutOfTap();
  // The host's per-user runtime dir is under the hidden /run.
  delete process.env.XDG_RUNTIME_DIR;
}
