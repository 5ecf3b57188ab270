import { expect, test } from "bun:test";
import { lineLog } from "./line-log.ts";

test("lines of one turn go out in one write, in order, each with the prefix; the next turn writes again", async () => {
  const writes: string[] = [];
  const { log } = lineLog("kube kubelet", (text) => writes.push(text));
  log("one");
  log("two");
  expect(writes).toEqual([]);
  await new Promise((resolve) => setImmediate(resolve));
  expect(writes).toEqual(["kube kubelet: one\nkube kubelet: two"]);
  log("three");
  await new Promise((resolve) => setImmediate(resolve));
  expect(writes).toEqual(["kube kubelet: one\nkube kubelet: two", "kube kubelet: three"]);
});

test("flush writes what is pending at once, and nothing when nothing is", () => {
  const writes: string[] = [];
  const { log, flush } = lineLog("p", (text) => writes.push(text));
  flush();
  log("last words");
  flush();
  expect(writes).toEqual(["p: last words"]);
});

test("a line logged just before the process exits is written", () => {
  const script = `
    import { lineLog } from ${JSON.stringify(`${import.meta.dir}/line-log.ts`)};
    const { log } = lineLog("kube x");
    log("bye");
    process.exit(3);
  `;
  const run = Bun.spawnSync([process.execPath, "-e", script], { stderr: "pipe" });
  expect(run.exitCode).toBe(3);
  expect(run.stderr.toString()).toBe("kube x: bye\n");
});
