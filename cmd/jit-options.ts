// JSC options for kube's long-running commands. JSC reads them only from the environment at
// start, so a compiled kube sets them by re-executing itself once (same PID, same argv) before
// it loads a component. See docs/architecture.md, "Build".

/**
 * JSC's top tier (FTL) off: its first-time compiles of kube's big request-path functions cost an
 * apiserver 15-25% of its CPU per pod under load and do not settle after 30k requests, while the
 * lower tiers (baseline, DFG) run them about as fast. Set the variable (e.g. to 1) to override.
 */
export const jitEnvironment: Readonly<Record<string, string>> = { BUN_JSC_useFTLJIT: "0" };

/** Commands that serve for long; one-shot commands (version, init, image, help) keep the defaults. */
const longRunning = new Set([
  "etcd",
  "apiserver",
  "scheduler",
  "controller-manager",
  "kubelet",
  "proxy",
  "dns",
  "server",
  "server-nodes",
]);

/** What a compiled kube's process.argv starts with: the runtime's name, then the embedded entry. */
const embeddedEntryPrefix = "/$bunfs/";

/**
 * The environment to re-execute with when `command` is long-running, the executable is compiled
 * and the environment does not already choose the options; undefined means run on as is.
 */
export function jitReexecEnvironment(
  command: string,
  env: NodeJS.ProcessEnv,
  argv: readonly string[],
): Record<string, string> | undefined {
  if (!longRunning.has(command)) return undefined;
  if (!argv[1]?.startsWith(embeddedEntryPrefix)) return undefined;
  const missing = Object.entries(jitEnvironment).filter(([name]) => env[name] === undefined);
  if (missing.length === 0) return undefined;
  const next: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) next[name] = value;
  for (const [name, value] of missing) next[name] = value;
  return next;
}

/**
 * Re-executes this compiled kube with the JIT options when `command` wants them; returns only
 * when it does not (or cannot: no process.execve, or execve failed, which leaves the defaults).
 */
export function reexecWithJitOptions(command: string): void {
  const env = jitReexecEnvironment(command, process.env, process.argv);
  if (env === undefined || typeof process.execve !== "function") return;
  try {
    // argv[0] stays as invoked (multicall names), the arguments follow the embedded entry.
    process.execve(process.execPath, [process.argv0, ...process.argv.slice(2)], env);
  } catch {
    // Run on with JSC's defaults: slower under load, otherwise the same.
  }
}
