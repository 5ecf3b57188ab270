// Tests for ControllerExpectations: satisfied after the expected adds/deletes are observed or
// after the five-minute timeout.

import { expect, test } from "bun:test";
import { ControllerExpectations } from "./controller-expectations.ts";

test("expectations are satisfied once every create and delete was observed", () => {
  const e = new ControllerExpectations();
  expect(e.satisfied("ns/a")).toBe(true);
  e.expect("ns/a", 2, 1);
  expect(e.satisfied("ns/a")).toBe(false);
  e.creationObserved("ns/a");
  e.creationObserved("ns/a");
  expect(e.satisfied("ns/a")).toBe(false);
  e.deletionObserved("ns/a");
  expect(e.satisfied("ns/a")).toBe(true);
});

test("expectations expire after five minutes", () => {
  let now = 0;
  const e = new ControllerExpectations(() => now);
  e.expect("ns/a", 1, 0);
  now += 5 * 60 * 1000 + 1;
  expect(e.satisfied("ns/a")).toBe(true);
});
