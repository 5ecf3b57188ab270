// Whether `kube server` runs rootless: --rootless, or automatically when not root (said in one
// line); --no-rootless keeps the old host-network mode. The outer process runs runRootless; the
// inner one (started by it) enters its namespaces and continues as the normal `kube server`.

import { innerServerArgs, serverCommandLine } from "./inner-args.ts";
import { enterRootlessInner, isRootlessInner } from "./rootless-inner.ts";
import { runRootless } from "./rootless-outer.ts";

/**
 * Resolves an exit status when this process was the rootless outer (the server ran and
 * stopped), or undefined when `kube server` should run here (root, --no-rootless, the inner).
 */
export async function rootlessGate(options: {
  flag: boolean | undefined;
  dataDir: string;
  securePort: number;
  resolvConf: string;
}): Promise<number | undefined> {
  if (isRootlessInner()) {
    await enterRootlessInner();
    return undefined;
  }
  const root = process.getuid?.() === 0;
  if (options.flag === false || (options.flag === undefined && root)) return undefined;
  if (options.flag === undefined)
    console.error(
      "kube server: not root, so rootless: kube runs in namespaces of its own (--no-rootless: pods share the host network)",
    );
  const { args, runtimeGiven } = innerServerArgs(serverCommandLine());
  return runRootless({
    dataDir: options.dataDir,
    serverArgs: args,
    securePort: options.securePort,
    resolvConf: options.resolvConf,
    runtimeGiven,
  });
}
