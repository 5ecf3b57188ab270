// Kubernetes command/args semantics (seed 001 spells them out) and $(VAR) expansion.
import { describe, expect, test } from "bun:test";
import { argvProblem, containerArgv, expandVars, kernelArgMax, MAX_ARG_STRLEN } from "./container-argv.ts";

const image = { entrypoint: ["/entry"], args: ["--default"] };
const env = new Map([["NAME", "world"]]);

describe("containerArgv", () => {
  test("neither command nor args: the image's entrypoint and default args", () => {
    expect(containerArgv({}, image, env)).toEqual(["/entry", "--default"]);
  });
  test("command only: the image's default args are dropped", () => {
    expect(containerArgv({ command: ["/bin/echo"] }, image, env)).toEqual(["/bin/echo"]);
  });
  test("args only: the image's entrypoint with the given args", () => {
    expect(containerArgv({ args: ["x"] }, image, env)).toEqual(["/entry", "x"]);
  });
  test("both: command and args", () => {
    expect(containerArgv({ command: ["/bin/echo"], args: ["hi $(NAME)"] }, image, env)).toEqual([
      "/bin/echo",
      "hi world",
    ]);
  });
});

describe("expandVars", () => {
  test("expands known names, keeps unknown ones and unescapes $$", () => {
    expect(expandVars("$(NAME) $(NOPE) $$(NAME) $ end$", env)).toBe("world $(NOPE) $(NAME) $ end$");
  });
});

describe("argvProblem", () => {
  const id = "c0ffee";
  test("a normal argv and env pass", () => {
    expect(argvProblem(["/bin/echo", "hi"], [["A", "b"]], id)).toBeUndefined();
  });
  test("no command at all is containerd's 'no command specified'", () => {
    expect(argvProblem([], [], id)).toBe(
      'failed to generate container "c0ffee" spec: failed to generate spec: no command specified',
    );
  });
  test("a NUL byte in an argument or an env value", () => {
    expect(argvProblem(["/bin/echo", "a\0b"], [], id)).toBe(
      'failed to generate container "c0ffee" spec: args[1] contains a NUL byte, which exec cannot pass: invalid argument',
    );
    expect(argvProblem(["/bin/echo"], [["K", "v\0"]], id)).toContain('env "K" contains a NUL byte');
  });
  test("over the kernel's limits: one string, and all of them", () => {
    expect(argvProblem(["/bin/echo", "x".repeat(MAX_ARG_STRLEN)], [], id)).toContain(
      `args[1] is ${MAX_ARG_STRLEN + 1} bytes, over the kernel's limit of ${MAX_ARG_STRLEN} for one string (MAX_ARG_STRLEN): argument list too long`,
    );
    const many = Array.from({ length: 40 }, () => "y".repeat(100_000));
    expect(argvProblem(["/bin/echo", ...many], [], id, 2_097_152)).toBe(
      `failed to generate container "c0ffee" spec: the arguments and environment take ${18 + 40 * 100_009} bytes, over the kernel's limit of 2097152 (ARG_MAX): argument list too long`,
    );
  });
  test("ARG_MAX comes from getconf", () => {
    const out = Bun.spawnSync(["getconf", "ARG_MAX"]).stdout.toString().trim();
    expect(kernelArgMax()).toBe(Number(out));
  });
});
