// What rootless kube asks of the host before it starts: a subordinate id range (else only the
// user's own uid is mapped), a usable /dev/net/tun, free host ports, the unprivileged port
// limit, and whether a delegated cgroup v2 subtree exists.

import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { userInfo } from "node:os";

/** True when /etc/subuid and /etc/subgid both name the user (by name or uid). */
export function hasSubordinateIds(
  user = userInfo().username,
  uid = process.getuid?.() ?? 0,
  read: (path: string) => string = (p) => (existsSync(p) ? readFileSync(p, "utf8") : ""),
): boolean {
  const names = new Set([user, String(uid)]);
  const has = (path: string): boolean =>
    read(path)
      .split("\n")
      .some((line) => {
        const [name, , count] = line.trim().split(":");
        return name !== undefined && names.has(name) && Number(count) > 0;
      });
  return has("/etc/subuid") && has("/etc/subgid");
}

/** Why slirp4netns cannot open /dev/net/tun, if it cannot. */
export function tunProblem(): string | undefined {
  try {
    accessSync("/dev/net/tun", constants.R_OK | constants.W_OK);
    return undefined;
  } catch {
    return "/dev/net/tun is not usable by this user (it must be mode 0666, as udev sets it: as root, chmod 0666 /dev/net/tun)";
  }
}

export function unprivilegedPortStart(): number {
  try {
    return Number(readFileSync("/proc/sys/net/ipv4/ip_unprivileged_port_start", "utf8").trim());
  } catch {
    return 1024;
  }
}

/** Binds 127.0.0.1:port (0: any) for a moment; resolves the port, or undefined when taken. */
export function probeLoopbackPort(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(undefined));
    server.listen({ host: "127.0.0.1", port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === "object" && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/** The one line on cgroup limits: they need a delegated cgroup v2 subtree. */
export function cgroupLine(uid = process.getuid?.() ?? 0): string {
  if (!existsSync("/sys/fs/cgroup/cgroup.controllers"))
    return "cgroups v1 on this host (no delegated v2 subtree): cgroup limits are off";
  const delegated = delegatedCgroup(uid);
  return delegated
    ? `cgroup v2 subtree ${delegated} is delegated: the OCI runtime sets limits when kube's parent cgroup is writable (inside it), else cgroup limits are off`
    : "no delegated cgroup v2 subtree for this user: cgroup limits are off";
}

/** A delegated cgroup v2 subtree this user may write (systemd's user@UID.service). */
function delegatedCgroup(uid: number): string | undefined {
  if (!existsSync("/sys/fs/cgroup/cgroup.controllers")) return undefined;
  const delegated = `/sys/fs/cgroup/user.slice/user-${uid}.slice/user@${uid}.service`;
  try {
    accessSync(delegated, constants.W_OK);
    return delegated;
  } catch {
    return undefined;
  }
}

/**
 * The runtime when --runtime is not given: auto, which is crun where it is on PATH (inside the user
 * namespace it makes no cgroups unless a delegated v2 subtree is writable), else the process
 * runtime; with the one line that says which.
 */
export function rootlessRuntime(hasCrun = Bun.which("crun") !== null): {
  runtime: "auto" | "process";
  line: string;
} {
  if (hasCrun)
    return {
      runtime: "auto",
      line: "runtime: OCI (crun, rootless, in the user namespace): containers get their own rootfs, PID/IPC/UTS/mount namespaces, capabilities and seccomp",
    };
  return {
    runtime: "process",
    line: "runtime: process (no crun on PATH): containers see the host's files",
  };
}
