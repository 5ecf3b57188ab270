// The compiled ./kube the end-to-end tests run: built with `make build` (a no-op when it is
// fresh), so `bun test` alone also tests the current sources rather than a stale binary.

import { join, resolve } from "node:path";

export const repoRoot = resolve(import.meta.dir, "../..");

/** Path of the compiled binary at the repo root. */
export const kubeBinary = join(repoRoot, "kube");

let built: Promise<void> | undefined;

/** Builds ./kube if its sources changed; once per test process. */
export function ensureKubeBuilt(): Promise<void> {
  built ??= (async () => {
    // flock: test files running side by side (bun test --parallel) never build ./kube at once.
    const make = Bun.spawn(["flock", join(repoRoot, "Makefile"), "make", "--no-print-directory", "build"], {
      cwd: repoRoot,
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err, code] = await Promise.all([
      new Response(make.stdout).text(),
      new Response(make.stderr).text(),
      make.exited,
    ]);
    if (code !== 0) throw new Error(`make build failed (exit ${code}):\n${out}${err}`);
  })();
  return built;
}
