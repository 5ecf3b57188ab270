// The launcher forks scripts with their arguments (spaces, newlines, empty strings intact), appends
// their output to the given file, reports exit codes and signals; a killed launcher is replaced.
import { afterEach, expect, test } from "bun:test";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installHelperScripts } from "./helper-scripts.ts";
import { SupervisorLauncher } from "./supervisor-launcher.ts";

const dirs: string[] = [];
const launchers: SupervisorLauncher[] = [];
afterEach(async () => {
  for (const launcher of launchers.splice(0)) launcher.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function setup(): Promise<{ dir: string; launcher: SupervisorLauncher; script: string }> {
  const dir = await mkdtemp(join(tmpdir(), "kt-launcher-"));
  dirs.push(dir);
  await installHelperScripts(dir);
  const script = join(dir, "echo.pl");
  // Prints its arguments as JSON-ish lines, then exits with the first one (or is killed by a signal).
  await writeFile(
    script,
    'use strict; my ($code, @rest) = @ARGV; print "[$_]\\n" for @rest; print STDERR "err\\n"; kill($1, $$) if $code =~ /^sig(\\d+)$/; exit($code);\n',
  );
  const launcher = new SupervisorLauncher(dir);
  launchers.push(launcher);
  return { dir, launcher, script };
}

test("forks the script with its arguments, output appended, exit codes and signals reported", async () => {
  const { dir, launcher, script } = await setup();
  const out = join(dir, "out.log");
  await writeFile(out, "before\n");
  const first = await launcher.launch(["perl", script, "3", "a b", "", "line1\nline2"], out);
  expect(first.pid).toBeGreaterThan(0);
  expect(await first.exited).toBe(3);
  expect(await readFile(out, "utf8")).toBe("before\n[a b]\n[]\n[line1\nline2]\nerr\n");
  const killed = await launcher.launch(["perl", script, "sig9"], join(dir, "k.log"));
  expect(await killed.exited).toBe(137);
  // Many at once: every request answered with its own pid.
  const many = await Promise.all(
    Array.from({ length: 20 }, (_, i) => launcher.launch(["perl", script, `${i}`], join(dir, `m${i}.log`))),
  );
  expect(new Set(many.map((m) => m.pid)).size).toBe(20);
  expect(await Promise.all(many.map((m) => m.exited))).toEqual(Array.from({ length: 20 }, (_, i) => i));
});

test("an entry: the script is loaded once in the launcher, each child calls the sub with its @ARGV", async () => {
  const { dir, launcher } = await setup();
  const script = join(dir, "entry.pl");
  // Loading it (in the launcher) appends a line; running the entry prints the arguments.
  await writeFile(
    script,
    `open(my $f, '>>', '${dir}/loads'); print $f "load\\n"; close($f);\nsub run { print "ran @ARGV\\n"; exit($ARGV[0]); }\nrun() unless caller;\n`,
  );
  const out = join(dir, "entry.log");
  const first = await launcher.launch(["perl", script, "4", "x"], out, "run");
  const second = await launcher.launch(["perl", script, "5", "y"], out, "run");
  expect([await first.exited, await second.exited]).toEqual([4, 5]);
  // The two children run at once: their lines may land in either order.
  expect((await readFile(out, "utf8")).split("\n").sort()).toEqual(["", "ran 4 x", "ran 5 y"]);
  expect(await readFile(join(dir, "loads"), "utf8")).toBe("load\n");
  // An entry the script does not define: the child runs the whole script instead.
  const other = await launcher.launch(["perl", script, "6"], join(dir, "other.log"), "nope");
  expect(await other.exited).toBe(0);
});

test("a script that dies or is missing ends with an error in its output; bad argv is refused", async () => {
  const { dir, launcher } = await setup();
  const out = join(dir, "missing.log");
  const missing = await launcher.launch(["perl", join(dir, "nope.pl")], out);
  expect(await missing.exited).toBe(127);
  expect(await readFile(out, "utf8")).toBe(
    `cannot read ${join(dir, "nope.pl")}: No such file or directory\n`,
  );
  const dies = join(dir, "dies.pl");
  await writeFile(dies, 'die "usage: dies.pl\\n";\n');
  const died = await launcher.launch(["perl", dies], out);
  expect(await died.exited).toBe(1);
  expect(await readFile(out, "utf8")).toContain("usage: dies.pl");
  await expect(launcher.launch(["sh", "-c", "true"], out)).rejects.toThrow(
    "the launcher runs perl scripts only",
  );
});

test("a killed launcher: running scripts' ends resolve NaN, the next launch starts a new launcher", async () => {
  const { dir, launcher } = await setup();
  const sleeper = join(dir, "sleep.pl");
  await writeFile(sleeper, "sleep 30;\n");
  const running = await launcher.launch(["perl", sleeper], join(dir, "s.log"));
  const stat = await readFile(`/proc/${running.pid}/stat`, "utf8");
  const launcherPid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]); // the parent

  process.kill(launcherPid, "SIGKILL");
  expect(Number.isNaN(await running.exited)).toBe(true);
  process.kill(running.pid, "SIGKILL");
  const script = join(dir, "seven.pl");
  await writeFile(script, "exit(7);\n");
  const next = await launcher.launch(["perl", script], join(dir, "n.log"));
  expect(await next.exited).toBe(7);
});

test("ready asked for: the child holds the launcher's stdout as $main::ready_fh and its line resolves ready", async () => {
  const { dir, launcher } = await setup();
  const script = join(dir, "ready.pl");
  // Says ready (when it may), then waits for its go file before exiting with 0 (7: no ready handle).
  await writeFile(
    script,
    `sub run {
  my $had = defined $main::ready_fh ? 1 : 0;
  if ($had) { syswrite($main::ready_fh, "ready $main::ready_id\\n"); close($main::ready_fh); }
  select(undef, undef, undef, 0.01) until -e $ARGV[0];
  exit($had ? 0 : 7);
}\n`,
  );
  const go = join(dir, "go");
  const asked = await launcher.launch(["perl", script, go], join(dir, "r.log"), "run", { ready: true });
  const notAsked = await launcher.launch(["perl", script, go], join(dir, "n.log"), "run");
  expect(notAsked.ready).toBeUndefined();
  // Ready while the script still runs: it waits for the go file.
  expect(await asked.ready).toBe(true);
  // A ready line without a pid (the OCI monitor's): none reported.
  expect(await asked.readyPid).toBeUndefined();
  await writeFile(go, "");
  expect(await asked.exited).toBe(0);
  expect(await notAsked.exited).toBe(7);
});

test("a ready line naming a pid (supervisor.pl's): readyPid is that pid", async () => {
  const { dir, launcher } = await setup();
  const script = join(dir, "pid.pl");
  await writeFile(
    script,
    `sub run { syswrite($main::ready_fh, "ready $main::ready_id 4242\\n"); exit 0; }\n`,
  );
  const launched = await launcher.launch(["perl", script], join(dir, "p.log"), "run", { ready: true });
  expect(await launched.ready).toBe(true);
  expect(await launched.readyPid).toBe(4242);
  expect(await launched.exited).toBe(0);
});

test("ready asked for, the launcher killed first: ready resolves false", async () => {
  const { dir, launcher } = await setup();
  const script = join(dir, "silent.pl");
  await writeFile(script, "sub run { sleep 5; exit 0; }\n");
  const launched = await launcher.launch(["perl", script], join(dir, "s.log"), "run", { ready: true });
  const launcherPid = Number(
    (await readFile(`/proc/${launched.pid}/stat`, "utf8")).split(") ")[1]?.split(" ")[1],
  );
  process.kill(launcherPid, "SIGKILL");
  expect(await launched.ready).toBe(false);
  process.kill(launched.pid, "SIGKILL");
});
