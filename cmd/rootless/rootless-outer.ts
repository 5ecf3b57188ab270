// `kube server --rootless`, the outer half (rootlesskit's parent): as the user, start the inner
// `kube server` in new user+network+mount namespaces (util-linux unshare mapping the user's uid
// and subordinate ranges through newuidmap/newgidmap), attach slirp4netns to its network,
// forward the API port and the Services' ports to the host's 127.0.0.1, relay Ctrl-C, clean up.

import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import type { ApiClient } from "../../lib/client/api-client.ts";
import { loadKubeconfig } from "../../lib/client/kubeconfig.ts";
import { apiClientFor } from "../api-client-flags.ts";
import {
  cgroupLine,
  hasSubordinateIds,
  probeLoopbackPort,
  rootlessRuntime,
  tunProblem,
  unprivilegedPortStart,
} from "./host-checks.ts";
import { rewriteResolvConf } from "./resolv-conf-rewrite.ts";
import { ROOTLESS_HOST_RESOLV_ENV, ROOTLESS_INNER_ENV } from "./rootless-inner.ts";
import { type ServiceForwarder, startServiceForwarder } from "./service-forwarder.ts";
import { privilegedPortRule } from "./service-forwards.ts";
import { type SlirpNetwork, startSlirpNetwork } from "./slirp-network.ts";

export interface RootlessOptions {
  dataDir: string;
  /** The inner `kube server`'s flags, without --rootless, --data-dir, --secure-port, --resolv-conf. */
  serverArgs: string[];
  securePort: number;
  resolvConf: string;
  /** --runtime given on the command line; absent: auto (crun rootless where it works). */
  runtimeGiven: boolean;
}

const log = (line: string): void => console.error(`kube server: rootless: ${line}`);

/** How this kube executable runs itself (compiled, or bun running the entry point). */
function kubeSelf(): string[] {
  const compiled = Bun.main.startsWith("/$bunfs/") || Bun.main.startsWith("B:/~BUN/");
  return compiled ? [process.execPath] : [process.execPath, Bun.main];
}

/** Runs rootless kube until Ctrl-C; resolves the exit status. */
export async function runRootless(options: RootlessOptions): Promise<number> {
  const t0 = performance.now();
  const tun = tunProblem();
  if (tun) {
    log(tun);
    return 1;
  }
  const unprivileged = unprivilegedPortStart();
  const securePort = await probeLoopbackPort(options.securePort);
  if (securePort === undefined) {
    log(
      `127.0.0.1:${options.securePort} is in use on this host (another kube server?): choose another port with --secure-port`,
    );
    return 1;
  }
  if (securePort < unprivileged) {
    log(
      `--secure-port ${securePort} is below net.ipv4.ip_unprivileged_port_start (${unprivileged}): choose one above`,
    );
    return 1;
  }
  const dir = join(options.dataDir, "rootless");
  mkdirSync(dir, { recursive: true });
  const dnsResolv = join(dir, "resolv.conf");
  writeFileSync(dnsResolv, rewriteResolvConf(await readFile(options.resolvConf, "utf8")));
  const hostResolv = join(dir, "host-resolv.conf");
  writeFileSync(hostResolv, rewriteResolvConf(await readFile("/etc/resolv.conf", "utf8").catch(() => "")));
  const apiSocket = join(dir, "slirp.sock");
  rmSync(apiSocket, { force: true });

  const subordinate = hasSubordinateIds();
  const runtime = rootlessRuntime();
  const unshare = [
    "unshare",
    ...(subordinate ? ["--map-auto"] : []),
    "--map-root-user",
    "--net",
    "--mount",
    "--propagation",
    "private",
    "--",
  ];
  const argv = [
    ...unshare,
    ...kubeSelf(),
    "server",
    ...options.serverArgs,
    "--data-dir",
    options.dataDir,
    "--secure-port",
    String(securePort),
    "--resolv-conf",
    dnsResolv,
    ...(options.runtimeGiven ? [] : ["--runtime", runtime.runtime]),
  ];
  const env: Record<string, string | undefined> = {
    ...process.env,
    [ROOTLESS_INNER_ENV]: "1",
    [ROOTLESS_HOST_RESOLV_ENV]: hostResolv,
  };
  // Its own process group: Ctrl-C reaches the outer only, which relays it once.
  const inner: ChildProcess = spawn(argv[0] as string, argv.slice(1), {
    stdio: ["ignore", "inherit", "pipe", "pipe"],
    env,
    detached: true,
  });
  const innerExited = new Promise<number>((resolve) => {
    inner.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    inner.on("error", (error) => {
      log(`cannot start unshare: ${error.message}`);
      resolve(1);
    });
  });
  const pipe = inner.stdio[3] as Duplex;
  let network: SlirpNetwork | undefined;
  let forwarder: ServiceForwarder | undefined;
  let signals = 0;
  const relay = (signal: NodeJS.Signals): void => {
    signals++;
    if (inner.pid && inner.exitCode === null) process.kill(inner.pid, signals > 2 ? "SIGKILL" : signal);
  };
  process.on("SIGINT", relay);
  process.on("SIGTERM", relay);
  process.on("SIGHUP", relay);

  // The inner's log passes through; its ready line starts the Services' forwards.
  let buffered = "";
  inner.stderr?.on("data", (chunk: Buffer) => {
    process.stderr.write(chunk);
    buffered += chunk.toString();
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) {
      if (line === "kube server: ready; Ctrl-C stops everything") {
        innerReady = true;
        whenBothReady();
      }
    }
  });
  // Ready once the inner server is and the network is attached (they start side by side).
  let innerReady = false;
  const whenBothReady = (): void => {
    if (!innerReady || !network || forwarder) return;
    forwarder = startForwarder(options.dataDir, network, unprivileged);
    log(
      `ready in ${Math.round(performance.now() - t0)} ms; NodePorts and LoadBalancer ports follow the Services`,
    );
  };

  try {
    const nsReady = await Promise.race([
      new Promise<boolean>((resolve) => pipe.once("data", () => resolve(true))),
      innerExited.then(() => false),
    ]);
    if (nsReady && inner.pid) {
      const tNet = performance.now();
      network = await startSlirpNetwork(inner.pid, apiSocket);
      await network.addForward("tcp", securePort);
      log(
        `kube runs in its own user, network and mount namespaces (uid ${process.getuid?.()} is root there${
          subordinate
            ? ", with its /etc/subuid and /etc/subgid ranges"
            : "; no /etc/subuid entry: only that uid is mapped"
        }); enter them: nsenter -U --preserve-credentials -n -m -t ${inner.pid}`,
      );
      log(
        `network: slirp4netns (${Math.round(performance.now() - tNet)} ms), pods reach the host's 127.0.0.1 at 10.0.2.2; API forwarded to 127.0.0.1:${securePort}; ${privilegedPortRule(unprivileged)}`,
      );
      log(cgroupLine());
      if (!options.runtimeGiven) log(runtime.line);
      whenBothReady();
    }
    return await innerExited;
  } catch (error) {
    log((error as Error).message);
    if (inner.pid && inner.exitCode === null) process.kill(inner.pid, "SIGTERM");
    await innerExited;
    return 1;
  } finally {
    process.off("SIGINT", relay);
    process.off("SIGTERM", relay);
    process.off("SIGHUP", relay);
    await forwarder?.stop();
    await network?.stop();
    pipe.destroy();
    rmSync(apiSocket, { force: true });
  }
}

function startForwarder(dataDir: string, network: SlirpNetwork, unprivilegedStart: number): ServiceForwarder {
  const config = loadKubeconfig(join(dataDir, "kubeconfig.yaml"));
  const client: ApiClient = apiClientFor(config, "kube-rootless-forwarder");
  return startServiceForwarder({ client, network, unprivilegedStart, log });
}
