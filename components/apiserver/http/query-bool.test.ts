import { expect, test } from "bun:test";
import { queryBool } from "./query-bool.ts";

test("upstream's boolean parameters: only 0, f and false (any case) are false", () => {
  const of = (q: string) => queryBool(new URLSearchParams(q), "watch");
  expect(of("")).toBe(false);
  for (const yes of ["watch=true", "watch=True", "watch=1", "watch=t", "watch=", "watch=yes"])
    expect(of(yes)).toBe(true);
  for (const no of ["watch=false", "watch=False", "watch=0", "watch=F", "watch=f"])
    expect(of(no)).toBe(false);
});
