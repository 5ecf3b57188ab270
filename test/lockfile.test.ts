// Keeps package-lock.json usable by `npm ci` (what `make deps` runs on a fresh machine): it
// must match package.json, and list every dependency of every locked package, including
// optional per-platform builds, or npm ci refuses to install anything.

import { expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { repoRoot } from "./harness/kube-binary.ts";

interface LockedPackage {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

interface Lockfile {
  lockfileVersion: number;
  packages: Record<string, LockedPackage>;
}

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

async function readJson<T>(name: string): Promise<T> {
  return JSON.parse(await readFile(join(repoRoot, name), "utf8")) as T;
}

/** Where Node's resolution finds `name` from the package at `from` ("" is the root). */
function resolveFrom(
  packages: Record<string, LockedPackage>,
  from: string,
  name: string,
): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = dir === "" ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (packages[candidate] !== undefined) return candidate;
    if (dir === "") return undefined;
    const cut = dir.lastIndexOf("/node_modules/");
    dir = cut < 0 ? "" : dir.slice(0, cut);
  }
}

test("package-lock.json matches package.json", async () => {
  const pkg = await readJson<PackageJson>("package.json");
  const lock = await readJson<Lockfile>("package-lock.json");
  expect(lock.lockfileVersion).toBeGreaterThanOrEqual(2);
  const root = lock.packages[""];
  expect(root?.dependencies ?? {}).toEqual(pkg.dependencies ?? {});
  expect(root?.devDependencies ?? {}).toEqual(pkg.devDependencies ?? {});
});

test("package-lock.json lists every dependency of every locked package", async () => {
  const { packages } = await readJson<Lockfile>("package-lock.json");
  const missing: string[] = [];
  for (const [path, entry] of Object.entries(packages)) {
    const wanted = {
      ...entry.dependencies,
      ...entry.optionalDependencies,
      ...(path === "" ? entry.devDependencies : {}),
    };
    for (const name of Object.keys(wanted)) {
      if (resolveFrom(packages, path, name) === undefined) missing.push(`${path || "(root)"} needs ${name}`);
    }
  }
  expect(missing).toEqual([]);
});
