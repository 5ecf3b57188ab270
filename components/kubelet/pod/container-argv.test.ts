// Kubernetes command/args semantics (seed 001 spells them out) and $(VAR) expansion.
import { describe, expect, test } from "bun:test";
import { containerArgv, expandVars } from "./container-argv.ts";

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
