// The pipe reader: a pipe held open by a grandchild after its child exited is given up on after
// the grace, with what was read kept; a pipe that ends is read to its end.

import { expect, test } from "bun:test";
import { spawnKube } from "./kube-process.ts";
import { readPipe } from "./pipe-reader.ts";
import { runProcess } from "./run-process.ts";

// sh exits at once; its background sleep keeps stdout and stderr open for 30 s.
const leaky = ["sh", "-c", "echo out; echo err >&2; sleep 30 & echo $! >&2"];

test("a pipe that ends is read to its end and reported as ended", async () => {
  const proc = Bun.spawn(["sh", "-c", "printf 'a\\nb\\n'"], { stdout: "pipe" });
  const out = readPipe(proc.stdout);
  await proc.exited;
  expect(await out.settle(5000)).toBe(true);
  expect(out.text()).toBe("a\nb\n");
});

test("runProcess returns when the program exits, though a grandchild holds its pipes", async () => {
  const started = performance.now();
  const result = await runProcess(leaky);
  try {
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("out\n");
    expect(result.stderr).toStartWith("err\n");
  } finally {
    process.kill(Number(result.stderr.split("\n")[1]), "SIGKILL");
  }
}, 30_000);

test("spawnKube's exit resolves though a grandchild holds stderr, and says so", async () => {
  const proc = spawnKube(leaky);
  const [, pid] = await proc.waitFor(/err\n(\d+)\n/);
  try {
    expect(await proc.exited).toBe(0);
    expect(proc.stderr()).toContain("still held open 5 s after the exit");
  } finally {
    process.kill(Number(pid), "SIGKILL");
  }
}, 30_000);
