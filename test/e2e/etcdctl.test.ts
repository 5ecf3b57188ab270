// The real etcdctl (API v3) against `kube etcd` and against a real etcd 3.4, side by side: the
// same commands on both, outputs compared after normalising what legitimately differs (IDs,
// endpoints, sizes, timings, lease IDs, and revisions, which are compared relative to a base).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EtcdServer, startEtcd } from "../../components/etcd/server.ts";
import { openSqliteKV } from "../../storage/sqlite/sqlite-kv.ts";
import { etcdctlBinary, type RealEtcd, realEtcdOrSkip, startRealEtcd } from "../harness/etcd.ts";

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

interface Target {
  name: string;
  endpoint: string;
  /** Revision of the store before the test wrote anything (etcd starts at 1, not 0). */
  base: number;
  leases: string[];
}

/**
 * etcdctl's --endpoints for a target, as host:port. With an `http://` endpoint, `etcdctl endpoint
 * status` sends the whole URL as the HTTP/2 :authority, which Bun's HTTP/2 server refuses with
 * PROTOCOL_ERROR (Go's accepts it); every other command sends host:port either way.
 */
function endpointFlag(target: Target): string {
  return `--endpoints=${target.endpoint.replace(/^http:\/\//, "")}`;
}

/** Runs etcdctl asynchronously: the kube server lives in this process and must keep serving. */
async function etcdctl(target: Target, args: string[], stdin?: string | Uint8Array): Promise<Result> {
  const binary = etcdctlBinary();
  if (!binary) throw new Error("etcdctl is not installed");
  const proc = Bun.spawn([binary, endpointFlag(target), "--command-timeout=10s", ...args], {
    stdin: stdin === undefined ? "ignore" : new Blob([stdin]),
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, ETCDCTL_API: "3" },
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

/** Starts `etcdctl watch ...`, resolves with its output once `until` matches, then kills that PID. */
async function watchUntil(target: Target, args: string[], until: RegExp): Promise<Result> {
  const binary = etcdctlBinary();
  if (!binary) throw new Error("etcdctl is not installed");
  const proc = Bun.spawn([binary, endpointFlag(target), "watch", ...args], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, ETCDCTL_API: "3" },
  });
  let stdout = "";
  const decoder = new TextDecoder();
  const stderr = new Response(proc.stderr).text();
  const deadline = setTimeout(() => proc.kill("SIGKILL"), 10_000);
  try {
    for await (const chunk of proc.stdout) {
      stdout += decoder.decode(chunk, { stream: true });
      if (until.test(stdout)) break;
    }
  } finally {
    clearTimeout(deadline);
    proc.kill("SIGTERM");
  }
  const code = await proc.exited;
  // Output past the match depends on how etcdctl's writes were split into chunks: leave it out.
  const match = until.exec(stdout);
  const seen = match ? stdout.slice(0, match.index + match[0].length) : stdout;
  return { code: match ? 0 : code, stdout: seen, stderr: await stderr };
}

/** Lines etcdctl's client library logs on retries: timestamps and random client IDs. */
const retryLog = /^\{"level":"warn".*$/gm;

function normalize(target: Target, result: Result): Result {
  const ep = target.endpoint.replace(/^http:\/\//, "");
  const clean = (s: string): string => {
    let out = s.replace(retryLog, "").replaceAll(target.endpoint, "<ep>").replaceAll(ep, "<ep>");
    out = out.replace(/\b[0-9a-f]{16}\b/g, (hex) => {
      const i = target.leases.indexOf(hex);
      return i >= 0 ? `<lease${i}>` : "<id>";
    });
    out = out.replace(/took = [0-9.]+[µnm]?s/g, "took = <t>");
    out = out.replace(/remaining\(\d+s\)/g, "remaining(<ttl>)");
    out = out.replace(
      /compacted revision (\d+)/g,
      (_, n: string) => `compacted revision ${Number(n) - target.base}`,
    );
    return out.replace(/\n{2,}$/g, "\n");
  };
  const json = result.stdout.trim().startsWith("{") ? relativeJson(target, result.stdout) : undefined;
  return { code: result.code, stdout: json ?? clean(result.stdout), stderr: clean(result.stderr).trim() };
}

/** JSON output with IDs blanked and revisions made relative to the target's base. */
function relativeJson(target: Target, text: string): string {
  const walk = (value: unknown, key = ""): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v));
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    }
    if (typeof value !== "number") return value;
    if (["cluster_id", "member_id", "ID", "lease"].includes(key)) return value === 0 ? 0 : "<id>";
    if (["revision", "create_revision", "mod_revision"].includes(key))
      return value === 0 ? 0 : value - target.base;
    return value;
  };
  return text
    .trim()
    .split("\n")
    .map((line) => JSON.stringify(walk(JSON.parse(line))))
    .join("\n");
}

/** `rev(3)`: the revision of the third write of the test on this target. */
const rev = (target: Target, n: number): string => String(target.base + n);

async function leaseId(target: Target, ttl: number): Promise<string> {
  const granted = await etcdctl(target, ["lease", "grant", String(ttl)]);
  const id = /lease ([0-9a-f]+) granted/.exec(granted.stdout)?.[1];
  if (!id) throw new Error(`lease grant failed on ${target.name}: ${granted.stdout}${granted.stderr}`);
  target.leases.push(id.padStart(16, "0"));
  return id;
}

async function baseRevision(target: Target): Promise<number> {
  const out = await etcdctl(target, ["get", "/nothing", "-w", "json"]);
  // JSON output leaves out zero fields: a store that never saw a write reports no revision.
  return (JSON.parse(out.stdout) as { header: { revision?: number } }).header.revision ?? 0;
}

const enabled = realEtcdOrSkip("etcdctl against kube etcd and a real etcd");

describe.skipIf(!enabled)("etcdctl: kube etcd answers as a real etcd 3.4 does", () => {
  let real: RealEtcd | undefined;
  let server: EtcdServer | undefined;
  let closeStore: (() => Promise<void>) | undefined;
  let dir: string | undefined;
  const targets: Target[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "kt-etcdctl-"));
    const store = await openSqliteKV({ dataDir: dir });
    closeStore = () => store.close();
    server = await startEtcd({ kv: store, listenClientUrls: ["http://127.0.0.1:0"], name: "kube" });
    real = await startRealEtcd();
    for (const [name, endpoint] of [
      ["kube", server.urls[0] ?? ""],
      ["etcd", real.endpoint],
    ] as const) {
      const target: Target = { name, endpoint, base: 0, leases: [] };
      target.base = await baseRevision(target);
      targets.push(target);
    }
  });

  afterAll(async () => {
    await server?.stop();
    await closeStore?.();
    await real?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs the same step on both targets and expects the same normalised outcome. */
  async function same(step: (t: Target) => Promise<Result>): Promise<Result> {
    const [kube, etcd] = targets;
    if (!kube || !etcd) throw new Error("targets not started");
    const got = normalize(kube, await step(kube));
    const want = normalize(etcd, await step(etcd));
    expect(got).toEqual(want);
    return want;
  }
  const both = (args: (t: Target) => string[], stdin?: string | Uint8Array) =>
    same((t) => etcdctl(t, args(t), stdin));

  test("put and get: prefix, keys-only, revisions, limit, sort, JSON", async () => {
    for (const [k, v] of [
      ["/e2e/a", "1"],
      ["/e2e/b", "2"],
      ["/e2e/c", "3"],
      ["/e2e/a", "11"],
    ]) {
      expect((await both(() => ["put", k as string, v as string])).stdout).toBe("OK\n");
    }
    expect((await both(() => ["get", "/e2e/", "--prefix"])).stdout).toBe(
      "/e2e/a\n11\n/e2e/b\n2\n/e2e/c\n3\n",
    );
    await both(() => ["get", "/e2e/", "--prefix", "--keys-only"]);
    await both(() => ["get", "/e2e/", "--prefix", "-w", "json"]);
    expect((await both((t) => ["get", "/e2e/a", `--rev=${rev(t, 1)}`])).stdout).toBe("/e2e/a\n1\n");
    await both(() => ["get", "/e2e/", "--prefix", "--limit=2", "-w", "json"]);
    await both(() => ["get", "/e2e/", "--prefix", "--sort-by=MODIFY", "--order=DESCEND"]);
    await both(() => ["get", "/e2e/", "--prefix", "--sort-by=VERSION", "--order=ASCEND", "-w", "json"]);
    await both(() => ["get", "/e2e/", "--prefix", "--sort-by=CREATE", "--order=DESCEND", "--limit=2"]);
    await both(() => ["get", "/e2e/a", "/e2e/c"]);
    await both(() => ["get", "/e2e/b", "--from-key", "--keys-only"]);
    await both(() => ["get", "", "--prefix", "--keys-only"]);
    await both(() => ["put", "/e2e/b", "22", "--prev-kv"]);
    // The URL form of --endpoints works for ordinary commands too.
    await same((t) => etcdctl(t, [`--endpoints=${t.endpoint}`, "get", "/e2e/b"]));
  }, 30_000);

  test("txn from stdin: compares on value, version, create and mod", async () => {
    const script = (t: Target) =>
      [
        'value("/e2e/a") = "11"',
        'version("/e2e/a") = "2"',
        `create("/e2e/c") = "${rev(t, 3)}"`,
        `mod("/e2e/a") > "${rev(t, 1)}"`,
        "",
        "put /e2e/t yes",
        "get /e2e/a",
        "",
        "put /e2e/t no",
        "",
        "",
      ].join("\n");
    const ok = await same((t) => etcdctl(t, ["txn"], script(t)));
    expect(ok.stdout).toStartWith("SUCCESS");
    await same((t) => etcdctl(t, ["txn", "-w", "json"], script(t)));
    const failing = 'mod("/e2e/a") > "100000"\n\nput /e2e/t yes\n\nput /e2e/t no\ndel /e2e/b --prev-kv\n\n';
    const failed = await same((t) => etcdctl(t, ["txn"], failing));
    expect(failed.stdout).toStartWith("FAILURE");
    await both(() => ["get", "/e2e/t", "-w", "json"]);
  }, 30_000);

  test("watch: prefix from a past revision, in the background until the events arrive", async () => {
    await same((t) => watchUntil(t, ["--prefix", "/e2e/", `--rev=${rev(t, 1)}`], /\/e2e\/t\nno\n/));
    await same((t) =>
      watchUntil(t, ["/e2e/a", `--rev=${rev(t, 1)}`, "--prev-kv"], /PUT\n\/e2e\/a\n1\n\/e2e\/a\n11\n/),
    );
  }, 30_000);

  test("watch: live events reach a running etcdctl watch", async () => {
    const markers = new Map<string, number>();
    await same(async (t) => {
      const binary = etcdctlBinary() ?? "etcdctl";
      const proc = Bun.spawn([binary, endpointFlag(t), "watch", "--prefix", "/live/"], {
        stdin: "ignore",
        stdout: "pipe",
        stderr: "ignore",
        env: { ...process.env, ETCDCTL_API: "3" },
      });
      let out = "";
      const reading = (async () => {
        const decoder = new TextDecoder();
        for await (const chunk of proc.stdout) out += decoder.decode(chunk, { stream: true });
      })();
      try {
        // etcdctl says nothing once its watch is set up: write a marker until it shows up.
        const deadline = Date.now() + 10_000;
        for (let n = 0; !out.includes("/live/ready"); n++) {
          if (Date.now() > deadline) throw new Error(`etcdctl watch never saw the marker: ${out}`);
          await etcdctl(t, ["put", "/live/ready", String(n)]);
          markers.set(t.name, n + 1);
          await Bun.sleep(20);
        }
        const marked = out.length;
        await etcdctl(t, ["put", "/live/a", "1"]);
        await etcdctl(t, ["del", "/live/a"]);
        while (!/DELETE\n\/live\/a\n/.test(out)) {
          if (Date.now() > deadline) throw new Error(`etcdctl watch missed events: ${out}`);
          await Bun.sleep(20);
        }
        return { code: 0, stdout: out.slice(marked).replace(/^PUT\n\/live\/ready\n\d+\n/gm, ""), stderr: "" };
      } finally {
        proc.kill("SIGTERM");
        await proc.exited;
        await reading;
      }
    });
    // The marker took a different number of writes on each side: even them out so later
    // revisions stay comparable.
    const most = Math.max(...markers.values());
    for (const t of targets) {
      for (let n = markers.get(t.name) ?? 0; n < most; n++) await etcdctl(t, ["put", "/live/ready", "pad"]);
    }
  }, 30_000);

  test("del: one key with its previous value, then a prefix", async () => {
    expect((await both(() => ["del", "/e2e/a", "--prev-kv"])).stdout).toBe("1\n/e2e/a\n11\n");
    await both(() => ["del", "/e2e/", "--prefix"]);
    await both(() => ["get", "/e2e/", "--prefix", "-w", "json"]);
  }, 30_000);

  test("leases: grant, attach, time-to-live with keys, keep-alive once, list, revoke", async () => {
    const ids = new Map<string, string>();
    await same(async (t) => {
      const id = await leaseId(t, 100);
      ids.set(t.name, id);
      return { code: 0, stdout: "", stderr: "" };
    });
    const id = (t: Target) => ids.get(t.name) ?? "0";
    await both((t) => ["put", "/e2e/l", "v", `--lease=${id(t)}`]);
    await both((t) => ["lease", "timetolive", id(t), "--keys"]);
    await both((t) => ["lease", "keep-alive", "--once", id(t)]);
    await both(() => ["lease", "list"]);
    await both(() => ["get", "/e2e/l", "-w", "json"]);
    await both((t) => ["lease", "revoke", id(t)]);
    await both((t) => ["lease", "timetolive", id(t)]);
    await both(() => ["get", "/e2e/l"]);
  }, 30_000);

  test("compaction, and reads and watches below it fail with etcd's errors", async () => {
    await both(() => ["put", "/e2e/k", "1"]);
    await both((t) => ["compaction", rev(t, 4)]);
    const below = await both((t) => ["get", "/e2e/a", `--rev=${rev(t, 1)}`]);
    expect(below.stderr).toContain("Error: etcdserver: mvcc: required revision has been compacted");
    await both((t) => ["compaction", rev(t, 2)]);
    await both((t) => ["get", "/e2e/a", `--rev=${rev(t, 100000)}`]);
    const watched = await both((t) => ["watch", "/e2e/a", `--rev=${rev(t, 1)}`]);
    expect(watched.stdout + watched.stderr).toContain("required revision has been compacted");
  }, 30_000);

  test("endpoint status and health, member list, alarm list, defrag", async () => {
    const shape = (r: Result) => ({
      code: r.code,
      fields: r.stdout.split(", ").length,
      first: r.stdout.split(", ")[0],
    });
    await same(async (t) => {
      const r = normalize(t, await etcdctl(t, ["endpoint", "status"]));
      return { code: r.code, stdout: JSON.stringify(shape(r)), stderr: r.stderr };
    });
    await same(async (t) => {
      const r = await etcdctl(t, ["endpoint", "status", "-w", "json"]);
      const [status] = JSON.parse(r.stdout) as { Endpoint: string; Status: Record<string, unknown> }[];
      return {
        code: r.code,
        stdout: Object.keys(status?.Status ?? {})
          .sort()
          .join(","),
        stderr: r.stderr,
      };
    });
    const health = await both(() => ["endpoint", "health"]);
    expect(health.stdout + health.stderr).toContain("<ep> is healthy: successfully committed proposal");
    await same(async (t) => {
      const r = await etcdctl(t, ["member", "list"]);
      const fields = r.stdout.trim().split(", ");
      return { code: r.code, stdout: `${fields.length} ${fields[1]} ${fields[5]}`, stderr: r.stderr };
    });
    await both(() => ["alarm", "list"]);
    await both(() => ["defrag"]);
  }, 30_000);

  test("bad input: empty key, too-large value, unknown lease", async () => {
    const empty = await both(() => ["put", "", "x"]);
    expect(empty.stderr).toContain("etcdserver: key is not provided");
    const big = await both(() => ["put", "/e2e/big"], new Uint8Array(1_600_000).fill(120));
    expect(big.stderr).toContain("etcdserver: request is too large");
    const revoke = await both(() => ["lease", "revoke", "1234"]);
    expect(revoke.stderr).toContain("requested lease not found");
    await both(() => ["put", "/e2e/x", "v", "--lease=1234"]);
    await both(() => ["lease", "keep-alive", "--once", "1234"]);
    await both(() => ["lease", "timetolive", "1234"]);
  });
});
