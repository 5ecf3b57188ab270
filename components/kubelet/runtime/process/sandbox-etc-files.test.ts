// The sandbox's hosts and resolv.conf are written only for a container that mounts none of its own.

import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SandboxRecord } from "./runtime-state.ts";
import { sandboxEtcFiles } from "./sandbox-etc-files.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function sandbox(extra: Partial<SandboxRecord> = {}): { dir: string; record: SandboxRecord } {
  const dir = mkdtempSync(join(tmpdir(), "kt-sandbox-etc-"));
  dirs.push(dir);
  const record: SandboxRecord = {
    ...{ id: "s", uid: "u", name: "p", namespace: "default", hostname: "p", hostNetwork: false },
    ...{ ip: "10.88.0.2", createdAt: "2026-01-01T00:00:00.000Z", labels: {} },
    ...{ hostsFile: "127.0.0.1 localhost\n", resolvConf: "nameserver 10.96.0.10\n" },
    ...extra,
  };
  return { dir, record };
}

const own = [
  { hostPath: "/x/etc-hosts", containerPath: "/etc/hosts", readOnly: false },
  { hostPath: "/x/etc-resolv.conf", containerPath: "/etc/resolv.conf", readOnly: false },
];

describe("sandboxEtcFiles", () => {
  test("a container with its own /etc/hosts and /etc/resolv.conf: nothing written, nothing mounted", () => {
    const { dir, record } = sandbox();
    expect(sandboxEtcFiles(dir, record, own)).toEqual({});
    expect(existsSync(join(dir, "hosts"))).toBe(false);
    expect(existsSync(join(dir, "resolv.conf"))).toBe(false);
  });

  test("a container without them: the record's contents are written once and mounted", () => {
    const { dir, record } = sandbox();
    expect(sandboxEtcFiles(dir, record, [])).toEqual({
      hostsFile: join(dir, "hosts"),
      resolvConf: join(dir, "resolv.conf"),
    });
    expect(readFileSync(join(dir, "hosts"), "utf8")).toBe("127.0.0.1 localhost\n");
    expect(readFileSync(join(dir, "resolv.conf"), "utf8")).toBe("nameserver 10.96.0.10\n");
    // Only the missing one, and an existing file is kept as it is.
    writeFileSync(join(dir, "hosts"), "edited\n");
    expect(sandboxEtcFiles(dir, record, own.slice(1))).toEqual({ hostsFile: join(dir, "hosts") });
    expect(readFileSync(join(dir, "hosts"), "utf8")).toBe("edited\n");
  });

  test("a record saved before the contents were kept: its files from creation, or no mount", () => {
    const { dir, record } = sandbox({ hostsFile: undefined, resolvConf: undefined });
    writeFileSync(join(dir, "hosts"), "old\n");
    expect(sandboxEtcFiles(dir, record, [])).toEqual({ hostsFile: join(dir, "hosts") });
  });
});
