// The process runtime's state files: a record's first save creates its file directly, later saves
// replace it whole; a file an earlier kubelet left is replaced too; a half-written one is no record.

import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ContainerConfig } from "../runtime.ts";
import { type ContainerRecord, RuntimeState } from "./runtime-state.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function state(): RuntimeState {
  const dir = mkdtempSync(join(tmpdir(), "kt-runtime-state-"));
  dirs.push(dir);
  return new RuntimeState(dir);
}

function record(id: string, extra: Partial<ContainerRecord> = {}): ContainerRecord {
  const config = { sandboxId: "s1", name: "c", attempt: 0, image: "pause", argv: ["/pause"] };
  return {
    id,
    config: config as unknown as ContainerConfig,
    createdAt: "2026-01-01T00:00:00.000Z",
    logPath: "/dev/null",
    ...extra,
  };
}

function stored(s: RuntimeState, id: string): unknown {
  return JSON.parse(readFileSync(join(s.containerDir(id), "container.json"), "utf8"));
}

describe("RuntimeState records", () => {
  test("the first save creates the file, later saves replace it, no temp file is left", async () => {
    const s = state();
    await s.saveContainer(record("a"));
    expect(stored(s, "a")).toEqual(record("a"));
    expect(readdirSync(s.containerDir("a"))).toEqual(["container.json"]);
    await s.saveContainer(record("a", { pid: 42, startedAt: "2026-01-01T00:00:01.000Z" }));
    expect(stored(s, "a")).toEqual(record("a", { pid: 42, startedAt: "2026-01-01T00:00:01.000Z" }));
    expect(readdirSync(s.containerDir("a"))).toEqual(["container.json"]);
    expect((await s.loadContainers()).map((r) => r.pid)).toEqual([42]);
  });

  test("a record an earlier kubelet saved is replaced by the first save of this one", async () => {
    const s = state();
    mkdirSync(s.containerDir("b"), { recursive: true });
    writeFileSync(join(s.containerDir("b"), "container.json"), JSON.stringify(record("b", { pid: 1 })));
    await s.saveContainer(record("b", { pid: 2 }));
    expect(stored(s, "b")).toEqual(record("b", { pid: 2 }));
    expect(readdirSync(s.containerDir("b"))).toEqual(["container.json"]);
  });

  test("a record half written when the kubelet died is skipped by the loader, the others load", async () => {
    const s = state();
    await s.saveContainer(record("c"));
    mkdirSync(s.containerDir("d"), { recursive: true });
    writeFileSync(join(s.containerDir("d"), "container.json"), '{"id": "d", "con');
    expect((await s.loadContainers()).map((r) => r.id)).toEqual(["c"]);
  });

  test("a container removed and saved again under the same id gets a whole new file", async () => {
    const s = state();
    await s.saveContainer(record("e", { pid: 7 }));
    await s.removeContainer("e");
    await s.saveContainer(record("e"));
    expect(stored(s, "e")).toEqual(record("e"));
  });
});
