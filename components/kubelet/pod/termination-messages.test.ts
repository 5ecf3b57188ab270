// FallbackToLogsOnError: a failed container's message is its log's tail without CRI prefixes;
// a successful one, or the default File policy, gets none.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Pod } from "kubernetes-types/core/v1";
import type { ContainerStatus } from "../runtime/runtime.ts";
import { TerminationMessages } from "./termination-messages.ts";

const dir = mkdtempSync(join(tmpdir(), "kt-termination-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const logPath = join(dir, "0.log");
writeFileSync(
  logPath,
  "2026-12-06T10:00:00.000000000Z stdout F starting\n2026-12-06T10:00:01.000000000Z stderr F boom: no config\n",
);

const pod = (policy?: string): Pod => ({
  metadata: { name: "p" },
  spec: { containers: [{ name: "c", image: "busybox", terminationMessagePolicy: policy }] },
});
const exited = (exitCode: number): ContainerStatus => ({
  id: `id-${exitCode}`,
  sandboxId: "s",
  name: "c",
  attempt: 0,
  image: "busybox",
  state: "exited",
  exitCode,
  createdAt: new Date(),
  logPath,
  labels: {},
});

test("FallbackToLogsOnError: a failed container's message is its log's tail", () => {
  const messages = new TerminationMessages();
  expect(messages.apply(pod("FallbackToLogsOnError"), exited(1)).message).toBe("starting\nboom: no config");
});

test("no message on success, or with the File policy", () => {
  const messages = new TerminationMessages();
  expect(messages.apply(pod("FallbackToLogsOnError"), exited(0)).message).toBeUndefined();
  expect(messages.apply(pod("File"), exited(1)).message).toBeUndefined();
});
