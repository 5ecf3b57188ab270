import { expect, test } from "bun:test";
import { innerServerArgs, serverCommandLine } from "./inner-args.ts";

test("the outer's flags are dropped with their values, in both spellings; the rest is kept", () => {
  expect(
    innerServerArgs([
      "--rootless",
      "--nodes",
      "3",
      "--data-dir",
      "/d",
      "--secure-port=7443",
      "--resolv-conf",
      "/r",
      "--disable=scheduler",
      "--rootless=true",
    ]),
  ).toEqual({ args: ["--nodes", "3", "--disable=scheduler"], runtimeGiven: false });
});

test("--runtime is reported as given and passed on", () => {
  expect(innerServerArgs(["--runtime", "process"])).toEqual({
    args: ["--runtime", "process"],
    runtimeGiven: true,
  });
  expect(innerServerArgs(["--runtime=oci"])).toEqual({ args: ["--runtime=oci"], runtimeGiven: true });
});

test("the server's arguments follow the `server` word", () => {
  expect(serverCommandLine(["/kube", "server", "--nodes", "2"])).toEqual(["--nodes", "2"]);
  expect(serverCommandLine(["bun", "/src/main.ts", "server"])).toEqual([]);
});
