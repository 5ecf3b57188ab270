// Legacy and logging flags on every command: accepted, one deprecation line each, mapped to
// today's flag unless that one was given, and `--v` checked and applied.

import { afterEach, expect, spyOn, test } from "bun:test";
import { setVerbosity, verbosity } from "../lib/log/verbosity.ts";
import { checkArgs } from "./check-args.ts";
import { defineKubeCommand } from "./kube-command.ts";
import { legacyFlagNames } from "./legacy-flags.ts";

afterEach(() => setVerbosity(0));

function apiserverLike() {
  const seen: Record<string, unknown>[] = [];
  const command = defineKubeCommand({
    name: "apiserver",
    description: "test",
    args: {
      "service-cluster-ip-range": { type: "string", default: "10.96.0.0/12" },
      "insecure-port": { type: "string" },
    },
    run: (args) => {
      seen.push({ ...args });
      return 0;
    },
  });
  return { command, seen };
}

async function run(raw: string[]) {
  const { command, seen } = apiserverLike();
  const lines: string[] = [];
  const spy = spyOn(console, "error").mockImplementation((line: string) => lines.push(line));
  try {
    checkArgs(command.args, raw);
    await command.run(raw, "kt apiserver");
  } finally {
    spy.mockRestore();
  }
  return { args: seen[0] ?? {}, lines };
}

test("--portal-net and --port map to today's flags, each with one deprecation line", async () => {
  const { args, lines } = await run(["--portal-net=10.0.0.1/24", "--port", "8080"]);
  expect(args["service-cluster-ip-range"]).toBe("10.0.0.1/24");
  expect(args["insecure-port"]).toBe("8080");
  expect(lines).toEqual([
    "kt apiserver: Flag --portal-net has been deprecated: use --service-cluster-ip-range (renamed in 1.0)",
    "kt apiserver: Flag --port has been deprecated: use --insecure-port (the insecure port; removed in 1.20)",
  ]);
});

test("today's flag wins over its legacy spelling", async () => {
  const { args } = await run(["--portal-net=10.0.0.0/24", "--service-cluster-ip-range=10.1.0.0/16"]);
  expect(args["service-cluster-ip-range"]).toBe("10.1.0.0/16");
});

test("--v sets the verbosity; --logtostderr is accepted with upstream's removal named", async () => {
  const { lines } = await run(["--v=2", "--logtostderr=true"]);
  expect(verbosity()).toBe(2);
  expect(lines).toEqual([
    "kt apiserver: Flag --logtostderr has been deprecated: removed in 1.26 (KEP 2845): kube logs to stderr",
  ]);
});

test("a --v that is not a level is a usage error", async () => {
  await expect(run(["--v=high"])).rejects.toThrow('invalid argument "high" for "-v, --v" flag');
});

test("the seeds' removed flags are declared on their commands", () => {
  const names = legacyFlagNames();
  expect(names.kubelet).toContain("containerized");
  expect(names.kubelet).toContain("allow-privileged");
  expect(names["controller-manager"]).toContain("cloud-provider");
  expect(names["controller-manager"]).toContain("cluster-name");
  expect(names.apiserver).toContain("portal-net");
});

test("klog's shorthand -v=3 works too", async () => {
  await run(["-v=3"]);
  expect(verbosity()).toBe(3);
});
