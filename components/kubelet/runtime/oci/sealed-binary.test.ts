import { expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import { sealedBinary } from "./sealed-binary.ts";

test("a sealed copy runs like the file, and cannot be written", async () => {
  const path = Bun.which("true");
  if (path === null) throw new Error("no true on PATH");
  const sealed = await sealedBinary(path);
  expect(sealed).toMatch(new RegExp(`^/proc/${process.pid}/fd/\\d+$`));
  const run = Bun.spawnSync([sealed as string]);
  expect(run.exitCode).toBe(0);
  expect(Buffer.compare(await readFile(sealed as string), await readFile(path))).toBe(0);
  // The seals: no write, no truncation (what a container reaching /proc/<crun>/exe would try).
  await expect(Bun.write(sealed as string, "x")).rejects.toThrow();
  expect(Buffer.compare(await readFile(sealed as string), await readFile(path))).toBe(0);
});

test("a missing file gives no copy", async () => {
  expect(await sealedBinary("/nonexistent/kt-crun")).toBeUndefined();
});
