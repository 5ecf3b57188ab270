// verbosity(): 0 by default, set by --v, and V(n) enabled up to the level.

import { afterEach, expect, test } from "bun:test";
import { setVerbosity, verbose, verbosity } from "./verbosity.ts";

afterEach(() => setVerbosity(0));

test("0 by default: V(0) lines print, V(1) lines do not", () => {
  expect(verbosity()).toBe(0);
  expect(verbose(0)).toBe(true);
  expect(verbose(1)).toBe(false);
});

test("--v=2 enables V(1) and V(2), not V(3)", () => {
  setVerbosity(2);
  expect(verbose(1)).toBe(true);
  expect(verbose(2)).toBe(true);
  expect(verbose(3)).toBe(false);
});
