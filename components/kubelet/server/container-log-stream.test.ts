// Tests for serving a container's log file: a plain read with tail and timestamps, limitBytes,
// and follow streaming appended lines until the container exits.
import { afterEach, describe, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { containerLogStream } from "./container-log-stream.ts";
import { criLine } from "./cri-log.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function logFile(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), "kt-"));
  dirs.push(dir);
  const path = join(dir, "0.log");
  writeFileSync(path, content);
  return path;
}

const at = new Date("2024-05-01T10:00:00Z");

describe("containerLogStream", () => {
  test("reads the whole file, with tail and timestamps", async () => {
    const path = logFile(
      criLine("stdout", "a", at) + criLine("stderr", "b", at) + criLine("stdout", "c", at),
    );
    const running = async () => false;
    expect(
      await new Response(containerLogStream({ path, follow: false, timestamps: false, running })).text(),
    ).toBe("a\nb\nc\n");
    expect(
      await new Response(
        containerLogStream({ path, follow: false, timestamps: true, tailLines: 1, running }),
      ).text(),
    ).toBe("2024-05-01T10:00:00.000Z c\n");
    expect(
      await new Response(
        containerLogStream({ path, follow: false, timestamps: false, limitBytes: 3, running }),
      ).text(),
    ).toBe("a\nb");
  });

  test("a missing file is an empty log", async () => {
    const stream = containerLogStream({
      path: "/nonexistent/kt-x.log",
      follow: false,
      timestamps: false,
      running: async () => false,
    });
    expect(await new Response(stream).text()).toBe("");
  });

  test("follow yields appended lines, joins partials, and ends when the container exits", async () => {
    const path = logFile(criLine("stdout", "first", at));
    let alive = true;
    const stream = containerLogStream({
      path,
      follow: true,
      timestamps: false,
      running: async () => alive,
      pollMs: 5,
    });
    const reader = stream.getReader();
    const dec = new TextDecoder();
    expect(dec.decode((await reader.read()).value)).toBe("first\n");
    appendFileSync(path, criLine("stdout", "sec", at, true));
    appendFileSync(path, criLine("stdout", "ond", at));
    expect(dec.decode((await reader.read()).value)).toBe("second\n");
    appendFileSync(path, criLine("stdout", "last", at));
    alive = false;
    let rest = "";
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      rest += dec.decode(r.value);
    }
    expect(rest).toBe("last\n");
  });
});
