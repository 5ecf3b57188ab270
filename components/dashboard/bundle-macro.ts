// Bundles a browser entry of client/ (and the npm packages it imports) into one minified IIFE,
// gzipped and base64'd, as a Bun macro: `bun build --compile` runs it once and embeds the text
// in ./kube, so the binary carries the UI and nothing is fetched at run time. Gzipped, because
// the bundles hold non-Latin-1 text, which the binary would store as UTF-16, twice (source and
// bytecode). (Bun.build cannot run inside a macro while the bundler waits on it: the CLI does.)
import { join } from "node:path";

export function bundleClient(entry: string): string {
  const file = join(import.meta.dir, "client", entry);
  const r = Bun.spawnSync(
    [process.execPath, "build", file, "--minify", "--target=browser", "--format=iife"],
    {
      stderr: "pipe",
      stdout: "pipe",
    },
  );
  if (r.exitCode !== 0) throw new Error(`bundling ${entry} failed: ${r.stderr.toString()}`);
  return Buffer.from(Bun.gzipSync(new Uint8Array(r.stdout), { level: 9 })).toString("base64");
}
