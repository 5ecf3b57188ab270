// The pause ELF: its headers for both CPUs, and run for real (natively, or the other CPU's under
// qemu-user where installed): it waits, SIGTERM and SIGINT end it with 0, it reaps its children.

import { afterAll, expect, test } from "bun:test";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pauseElf } from "./pause-elf.ts";

const dir = await mkdtemp(join(tmpdir(), "kt-pause-elf-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

const qemu: Record<string, string> = { x64: "qemu-x86_64-static", arm64: "qemu-aarch64-static" };

/** How to run `arch`'s ELF here: directly on its own CPU, else under qemu-user, else undefined. */
async function runner(arch: string): Promise<string[] | undefined> {
  const elf = pauseElf(arch);
  if (elf === undefined) return undefined;
  const path = join(dir, `pause-${arch}`);
  await writeFile(path, elf);
  await chmod(path, 0o755);
  if (arch === process.arch) return [path];
  const emulator = Bun.which(qemu[arch] ?? "");
  return emulator === null ? undefined : [emulator, path];
}

/** The state letter of /proc/<pid>/stat ("S" while it waits), or undefined once gone. */
async function procState(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  return stat?.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

/** The pids whose parent is `pid`, with their state letters. */
async function children(pid: number): Promise<string[]> {
  const tasks = await readFile(`/proc/${pid}/task/${pid}/children`, "utf8").catch(() => "");
  const out: string[] = [];
  for (const child of tasks.trim().split(/\s+/).filter(Boolean))
    out.push(`${child}:${await procState(Number(child))}`);
  return out;
}

test("the ELF headers: 64-bit little endian, ET_EXEC, the CPU's machine, entry right after two program headers", () => {
  for (const [arch, machine] of [
    ["x64", 62],
    ["arm64", 183],
  ] as const) {
    const elf = Buffer.from(pauseElf(arch) as Uint8Array);
    expect(elf.subarray(0, 7)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]));
    expect(elf.readUInt16LE(16)).toBe(2);
    expect(elf.readUInt16LE(18)).toBe(machine);
    expect(elf.readBigUInt64LE(24)).toBe(0x400000n + 64n + 112n);
    expect(elf.readUInt16LE(56)).toBe(2);
    // PT_LOAD covers the file, read + execute only; PT_GNU_STACK asks for a non-executable stack.
    expect([elf.readUInt32LE(64), elf.readUInt32LE(68), Number(elf.readBigUInt64LE(96))]).toEqual([
      1,
      5,
      elf.length,
    ]);
    expect([elf.readUInt32LE(120), elf.readUInt32LE(124)]).toEqual([0x6474e551, 6]);
    expect(elf.length).toBeLessThan(400);
  }
  expect(pauseElf("ia32")).toBeUndefined();
});

for (const arch of ["x64", "arm64"]) {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    test(`${arch}: waits without using the CPU; ${signal} ends it with exit code 0`, async () => {
      const argv = await runner(arch);
      if (argv === undefined) return console.warn(`pause-elf.test.ts: cannot run ${arch} code here`);
      const proc = Bun.spawn(argv, { stdio: ["ignore", "ignore", "ignore"] });
      try {
        await until("the pause to wait", async () => (await procState(proc.pid)) === "S");
        const before = await readFile(`/proc/${proc.pid}/stat`, "utf8");
        await Bun.sleep(100);
        expect(await procState(proc.pid)).toBe("S");
        if (argv.length === 1) {
          // utime + stime unchanged while it waits (no polling loop).
          const ticks = (stat: string) =>
            stat
              .slice(stat.lastIndexOf(")") + 2)
              .split(" ")
              .slice(11, 13)
              .join(" ");
          expect(ticks(await readFile(`/proc/${proc.pid}/stat`, "utf8"))).toBe(ticks(before));
        }
        proc.kill(signal);
        expect(await proc.exited).toBe(0);
        expect(proc.signalCode).toBeNull();
      } finally {
        proc.kill("SIGKILL");
      }
    }, 20_000);
  }

  test(`${arch}: reaps the children it inherits (PID 1 of a shared PID namespace)`, async () => {
    const argv = await runner(arch);
    if (argv === undefined) return console.warn(`pause-elf.test.ts: cannot run ${arch} code here`);
    // sh forks two short sleeps, then becomes the pause: they end as its children.
    const quoted = argv.map((a) => `'${a}'`).join(" ");
    const proc = Bun.spawn(["sh", "-c", `sleep 0.2 & sleep 0.3 & exec ${quoted}`], {
      stdio: ["ignore", "ignore", "ignore"],
    });
    try {
      await until("the two sleeps", async () => (await children(proc.pid)).length === 2);
      await until("both reaped", async () => (await children(proc.pid)).length === 0);
      expect(await procState(proc.pid)).toBe("S");
      proc.kill("SIGTERM");
      expect(await proc.exited).toBe(0);
    } finally {
      proc.kill("SIGKILL");
    }
  }, 20_000);
}
