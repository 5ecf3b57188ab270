// The argv a container runs, with Kubernetes' command/args semantics (kubelet
// pkg/kubelet/kuberuntime/kuberuntime_container.go and container/helpers.go ExpandContainerCommandAndArgs):
// `command` replaces the image's entrypoint (and drops its default args), `args` replaces the
// default args, and `$(VAR)` references to the container's env are expanded (`$$` escapes).

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
