// The kube executable: the root command over lazy subcommands (citty flag definitions), one
// per component, plus multicall (through a symlink named kube-apiserver, kubelet, ... it is that
// component, as busybox, k3s and hyperkube do). The only place in kube that calls process.exit.

import { basename } from "node:path";
import { kubernetesVersion, kubeVersion } from "../lib/version.ts";
import { checkArgs } from "./check-args.ts";
import { reexecWithJitOptions } from "./jit-options.ts";
import type { KubeCommand } from "./kube-command.ts";
import { flushLineLogs } from "./line-log.ts";
import { renderHelp } from "./render-help.ts";
import { UsageError } from "./usage-error.ts";

type Loader = () => Promise<KubeCommand>;

/** Subcommands in --help order; each module loads only when its command runs (or for help). */
const subCommands: Record<string, Loader> = {
  etcd: () => import("./etcd.ts").then((m) => m.etcdCommand),
  apiserver: () => import("./apiserver.ts").then((m) => m.apiserverCommand),
  scheduler: () => import("./scheduler.ts").then((m) => m.schedulerCommand),
  "controller-manager": () => import("./controller-manager.ts").then((m) => m.controllerManagerCommand),
  kubelet: () => import("./kubelet.ts").then((m) => m.kubeletCommand),
  proxy: () => import("./proxy.ts").then((m) => m.proxyCommand),
  dns: () => import("./dns.ts").then((m) => m.dnsCommand),
  server: () => import("./server.ts").then((m) => m.serverCommand),
  init: () => import("./init.ts").then((m) => m.initCommand),
  version: () => import("./version.ts").then((m) => m.versionCommand),
  image: () => import("./image.ts").then((m) => m.imageCommand),
};

/** Internal subcommands kube runs itself with, left out of --help. */
const internalCommands: Record<string, Loader> = {
  "server-nodes": () => import("./server-nodes.ts").then((m) => m.serverNodesCommand),
};

/** Executable names that run one component directly, as the upstream binaries are named. */
const multicallNames: Record<string, string> = {
  etcd: "etcd",
  "kube-apiserver": "apiserver",
  "kube-scheduler": "scheduler",
  "kube-controller-manager": "controller-manager",
  kubelet: "kubelet",
  "kube-proxy": "proxy",
};

const helpFlags = new Set(["--help", "-h"]);

function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).some((arg) => helpFlags.has(arg));
}

async function rootHelp(): Promise<string> {
  const rows = await Promise.all(
    Object.entries(subCommands).map(async ([name, load]) => [name, (await load()).description] as const),
  );
  const width = Math.max(...rows.map(([name]) => name.length));
  const symlinks = Object.keys(multicallNames).join(", ");
  return [
    `kube ${kubeVersion}: Kubernetes ${kubernetesVersion.gitVersion} as one small executable`,
    "",
    "Usage: kube <command> [flags]",
    "",
    "Commands:",
    ...rows.map(([name, description]) => `  ${name.padEnd(width)}   ${description}`),
    "",
    "Flags:",
    "  -h, --help      Show this help and exit.",
    "  -v, --version   Print kube's version and exit.",
    "",
    "Run 'kube <command> --help' for a command's flags.",
    `Invoked through a symlink named ${symlinks},`,
    "kube runs that component (multicall).",
    "",
  ].join("\n");
}

async function runSubcommand(name: string, prog: string, args: string[]): Promise<number> {
  const load = subCommands[name] ?? internalCommands[name];
  if (load === undefined) throw new UsageError(`unknown command "${name}"`);
  const command = await load();
  if (wantsHelp(args)) {
    process.stdout.write(renderHelp(prog, command.description, command.args));
    return 0;
  }
  if (!command.passThroughArgs) checkArgs(command.args, args);
  return command.run(args, prog);
}

interface Invocation {
  /** Names the program in messages: "kube", "kube etcd", "kube-apiserver". */
  prog: string;
  /** The subcommand that runs, unless help was asked for. */
  command?: string;
  run: () => Promise<number>;
}

/** Resolves the command line to what runs; errors surface from `run`. */
function resolveInvocation(argv0: string, args: string[]): Invocation {
  const invokedAs = basename(argv0);
  const direct = multicallNames[invokedAs];
  if (direct !== undefined) {
    const command = wantsHelp(args) ? undefined : direct;
    return { prog: invokedAs, command, run: () => runSubcommand(direct, invokedAs, args) };
  }
  const [first, ...rest] = args;
  if (first === undefined || helpFlags.has(first)) {
    return {
      prog: "kube",
      run: async () => {
        process.stdout.write(await rootHelp());
        return 0;
      },
    };
  }
  if (first === "--version" || first === "-v") {
    return {
      prog: "kube",
      run: async () => {
        console.log(`kube ${kubeVersion}`);
        return 0;
      },
    };
  }
  // Hyperkube also accepted the upstream binary names as commands: `kube kube-apiserver`.
  const name = multicallNames[first] ?? first;
  const prog = `kube ${name}`;
  if (first.startsWith("-") || (subCommands[name] ?? internalCommands[name]) === undefined) {
    const problem = first.startsWith("-")
      ? `unknown flag: ${first.split("=")[0]}`
      : `unknown command "${first}"`;
    return {
      prog: "kube",
      run: () => Promise.reject(new UsageError(problem)),
    };
  }
  return { prog, command: wantsHelp(rest) ? undefined : name, run: () => runSubcommand(name, prog, rest) };
}

function exitCodeFor(prog: string, error: unknown): number {
  flushLineLogs();
  if (error instanceof UsageError) {
    console.error(`${prog}: ${error.message}; see '${prog} --help'`);
    return 2;
  }
  const message = error instanceof Error ? error.message : String(error);
  console.error(`${prog}: ${message.split("\n")[0]}`);
  return 1;
}

const invocation = resolveInvocation(process.argv0, process.argv.slice(2));
if (invocation.command !== undefined) reexecWithJitOptions(invocation.command);
process.exit(await invocation.run().catch((error: unknown) => exitCodeFor(invocation.prog, error)));
