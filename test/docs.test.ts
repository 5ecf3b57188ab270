// Keeps docs/architecture.md's dependency table honest: every package in package.json has a
// row saying why it is there, so adding a dependency means writing down its reason.

import { expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { repoRoot } from "./harness/kube-binary.ts";

test("docs/architecture.md explains every dependency in package.json", async () => {
  const pkg = JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const doc = await readFile(join(repoRoot, "docs/architecture.md"), "utf8");
  const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
  const undocumented = names.filter((name) => !doc.includes(`| \`${name}\` |`));
  expect(undocumented).toEqual([]);
});
