// The inner `kube server`'s command line: the user's flags minus the ones the outer process
// decides (--rootless itself, --data-dir, --secure-port, --resolv-conf); whether --runtime was given.

const DECIDED = new Set(["--data-dir", "--secure-port", "--resolv-conf"]);
const BOOLEAN = new Set(["--rootless", "--no-rootless"]);

export function innerServerArgs(raw: readonly string[]): { args: string[]; runtimeGiven: boolean } {
  const args: string[] = [];
  let runtimeGiven = false;
  for (let i = 0; i < raw.length; i++) {
    const arg = raw[i] as string;
    if (arg === "--") {
      args.push(...raw.slice(i));
      break;
    }
    const name = arg.split("=")[0] as string;
    if (name === "--runtime") runtimeGiven = true;
    if (BOOLEAN.has(name)) continue;
    if (DECIDED.has(name)) {
      if (!arg.includes("=")) i++; // its value
      continue;
    }
    args.push(arg);
  }
  return { args, runtimeGiven };
}

/** The arguments after `server` in this process's command line. */
export function serverCommandLine(argv: readonly string[] = process.argv): string[] {
  const at = argv.indexOf("server", 1);
  return at < 0 ? argv.slice(2) : argv.slice(at + 1);
}
