// The argv a container runs with Kubernetes' command/args semantics and $(VAR) expansion
// (kubelet container/helpers.go ExpandContainerCommandAndArgs), and argvProblem: why an argv
// cannot be exec'd (no command, NUL byte, over the kernel's limits) for CreateContainerError.
import { spawnSync } from "node:child_process";

export interface ImageDefaults {
  entrypoint: string[];
  args: string[];
}

/** Expands `$(NAME)` from `env`; unknown names stay as written, `$$(NAME)` gives `$(NAME)`. */
export function expandVars(text: string, env: Map<string, string>): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch !== "$" || i + 1 >= text.length) {
      out += ch;
      continue;
    }
    const next = text[i + 1];
    if (next === "$") {
      out += "$";
      i++;
      continue;
    }
    if (next === "(") {
      const close = text.indexOf(")", i + 2);
      if (close > 0) {
        const name = text.slice(i + 2, close);
        const value = env.get(name);
        out += value ?? `$(${name})`;
        i = close;
        continue;
      }
    }
    out += ch;
  }
  return out;
}

/**
 * `command` replaces the image's entrypoint (and drops its default args), `args` replaces the
 * default args, and `$(VAR)` references to the container's env are expanded (`$$` escapes).
 */
export function containerArgv(
  container: { command?: string[]; args?: string[] },
  image: ImageDefaults,
  env: Map<string, string>,
): string[] {
  const command = container.command?.length ? container.command : undefined;
  const entrypoint = command ?? image.entrypoint;
  const args = container.args?.length ? container.args : command ? [] : image.args;
  return [...entrypoint, ...args].map((part, index) =>
    index < entrypoint.length && !command ? part : expandVars(part, env),
  );
}

/** The kernel's limit on one argv or env string (MAX_ARG_STRLEN: 32 pages). */
export const MAX_ARG_STRLEN = 32 * 4096;

let argMax: number | undefined;

/** The kernel's limit on argv plus env at exec (`getconf ARG_MAX`: a quarter of the stack limit). */
export function kernelArgMax(): number {
  if (argMax === undefined) {
    const out = spawnSync("getconf", ["ARG_MAX"], { encoding: "utf8" });
    const n = Number.parseInt(String(out.stdout ?? "").trim(), 10);
    argMax = Number.isSafeInteger(n) && n > 0 ? n : 2 * 1024 * 1024;
  }
  return argMax;
}

/**
 * Why this argv and environment cannot be exec'd, in the words a container runtime's
 * CreateContainer error carries (containerd: `failed to generate container "<id>" spec: ...`),
 * or undefined when they can: no command at all (an image without entrypoint or cmd and a
 * container without command), a NUL byte (execve takes C strings), a string over
 * MAX_ARG_STRLEN or a total over ARG_MAX (execve's E2BIG).
 */
export function argvProblem(
  argv: readonly string[],
  env: readonly (readonly [string, string])[],
  containerId: string,
  limit = kernelArgMax(),
): string | undefined {
  const prefix = `failed to generate container ${JSON.stringify(containerId)} spec: `;
  if (argv.length === 0) return `${prefix}failed to generate spec: no command specified`;
  const strings: [string, string][] = [
    ...argv.map((a, i): [string, string] => [`args[${i}]`, a]),
    ...env.map(([k, v]): [string, string] => [`env ${JSON.stringify(k)}`, `${k}=${v}`]),
  ];
  let total = 0;
  for (const [what, text] of strings) {
    if (text.includes("\0"))
      return `${prefix}${what} contains a NUL byte, which exec cannot pass: invalid argument`;
    const bytes = Buffer.byteLength(text) + 1;
    if (bytes > MAX_ARG_STRLEN)
      return `${prefix}${what} is ${bytes} bytes, over the kernel's limit of ${MAX_ARG_STRLEN} for one string (MAX_ARG_STRLEN): argument list too long`;
    total += bytes + 8;
  }
  if (total > limit)
    return `${prefix}the arguments and environment take ${total} bytes, over the kernel's limit of ${limit} (ARG_MAX): argument list too long`;
  return undefined;
}
