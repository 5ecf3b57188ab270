// The user-mode network of rootless kube: slirp4netns attached to the inner process's network
// namespace (rootlesskit's slirp4netns network driver), with its API socket for port forwards.
// Upstream reference: rootless-containers/slirp4netns (--configure, --api-socket, add_hostfwd).

import { type ChildProcess, spawn } from "node:child_process";
import type { Duplex } from "node:stream";

/** slirp4netns's fixed addresses with --configure (10.0.2.0/24). */
export const SLIRP_GUEST_ADDRESS = "10.0.2.100";
/** The host's 127.0.0.1 as seen from the namespace. */
export const SLIRP_HOST_LOOPBACK = "10.0.2.2";
/** slirp4netns's built-in DNS forwarder (the host's resolvers). */
export const SLIRP_DNS = "10.0.2.3";
export const SLIRP_MTU = 65520;

export type ForwardProto = "tcp" | "udp";

export interface SlirpNetwork {
  readonly pid: number;
  /** Host 127.0.0.1:hostPort -> guestAddress:guestPort in the namespace; resolves the forward's id. */
  addForward(
    proto: ForwardProto,
    hostPort: number,
    guestAddress?: string,
    guestPort?: number,
  ): Promise<number>;
  removeForward(id: number): Promise<void>;
  /** Resolves when slirp4netns exits (by itself: the namespace is gone). */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

interface ApiReply {
  return?: { id?: number };
  error?: { desc?: string };
}

/** One request on slirp4netns's API socket: it answers one JSON object and closes. */
function apiCall(socketPath: string, request: object): Promise<ApiReply> {
  return new Promise((resolve, reject) => {
    let text = "";
    Bun.connect({
      unix: socketPath,
      socket: {
        open: (socket) => {
          socket.write(JSON.stringify(request));
          socket.shutdown();
        },
        data: (_socket, data) => {
          text += data.toString();
        },
        close: () => {
          try {
            resolve(JSON.parse(text) as ApiReply);
          } catch {
            reject(new Error(`slirp4netns API answered ${JSON.stringify(text)}`));
          }
        },
        error: (_socket, error) => reject(error),
        connectError: (_socket, error) => reject(error),
      },
    }).catch(reject);
  });
}

/** Starts slirp4netns on `pid`'s network namespace and resolves once tap0 is configured. */
export async function startSlirpNetwork(pid: number, apiSocket: string): Promise<SlirpNetwork> {
  // fd 3: slirp writes "1" when ready; fd 4: it exits when our end closes (also when we die).
  const child: ChildProcess = spawn(
    "slirp4netns",
    [
      "--configure",
      `--mtu=${SLIRP_MTU}`,
      "--api-socket",
      apiSocket,
      "--ready-fd=3",
      "--exit-fd=4",
      "--enable-seccomp",
      String(pid),
      "tap0",
    ],
    { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"], detached: true },
  );
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += String(d);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on("exit", (code) => resolve(code));
    child.on("error", () => resolve(null));
  });
  const readyPipe = child.stdio[3] as Duplex;
  const exitPipe = child.stdio[4] as Duplex;
  const ready = await Promise.race([
    new Promise<boolean>((resolve) => readyPipe.once("data", () => resolve(true))),
    exited.then(() => false),
  ]);
  if (!ready) {
    throw new Error(
      `slirp4netns failed: ${stderr.trim() || "it exited"}${
        /tun/.test(stderr) ? " (/dev/net/tun must be usable by every user: mode 0666, as udev sets it)" : ""
      }`,
    );
  }
  return {
    pid: child.pid ?? 0,
    exited,
    async addForward(proto, hostPort, guestAddress = SLIRP_GUEST_ADDRESS, guestPort = hostPort) {
      const reply = await apiCall(apiSocket, {
        execute: "add_hostfwd",
        arguments: {
          proto,
          host_addr: "127.0.0.1",
          host_port: hostPort,
          guest_addr: guestAddress,
          guest_port: guestPort,
        },
      });
      if (reply.error || reply.return?.id === undefined)
        throw new Error(reply.error?.desc ?? `no forward id in ${JSON.stringify(reply)}`);
      return reply.return.id;
    },
    async removeForward(id) {
      const reply = await apiCall(apiSocket, { execute: "remove_hostfwd", arguments: { id } });
      if (reply.error) throw new Error(reply.error.desc ?? "remove_hostfwd failed");
    },
    async stop() {
      exitPipe.destroy();
      const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
