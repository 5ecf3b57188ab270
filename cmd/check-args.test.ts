// checkArgs(): what the strict flag check accepts and the one-line errors it gives.

import { expect, test } from "bun:test";
import type { ArgsDef } from "citty";
import { checkArgs } from "./check-args.ts";
import { UsageError } from "./usage-error.ts";

const args: ArgsDef = {
  "data-dir": { type: "string" },
  fsync: { type: "boolean" },
  "leader-elect": { type: "boolean", default: true },
  verbose: { type: "boolean", alias: "v" },
};

test("accepts declared flags in every form", () => {
  expect(() =>
    checkArgs(args, [
      "--data-dir",
      "/d",
      "--data-dir=/e",
      "--fsync",
      "--fsync=false",
      "--no-leader-elect",
      "-v",
    ]),
  ).not.toThrow();
});

test.each([
  [["--bogus"], "unknown flag: --bogus"],
  [["--bogus=1"], "unknown flag: --bogus"],
  [["-data-dir", "/d"], "unknown flag: -data-dir (long flags take two dashes)"],
  [["--data-dir"], "flag needs an argument: --data-dir"],
  [["--fsync=yes"], 'invalid value "yes" for --fsync: want true or false'],
  [["--no-data-dir"], "unknown flag: --no-data-dir"],
  [["extra"], 'unexpected argument "extra"'],
  [["--", "extra"], 'unexpected argument "extra"'],
])("%p is refused: %s", (argv, message) => {
  expect(() => checkArgs(args, argv)).toThrow(new UsageError(message));
});

test("a flag value that looks like a positional is consumed by its flag", () => {
  expect(() => checkArgs(args, ["--data-dir", "extra"])).not.toThrow();
});
