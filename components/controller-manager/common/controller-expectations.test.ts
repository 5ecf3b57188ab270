// ControllerExpectations: creations and deletions counted down, deletions tracked by object key
// when named, expiry after five minutes.
import { expect, test } from "bun:test";
import { ControllerExpectations, EXPECTATIONS_TTL_MS } from "./controller-expectations.ts";

test("counted expectations are satisfied once every create and delete was observed", () => {
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

test("raise lowers a count for a creation that failed", () => {
  const e = new ControllerExpectations();
  e.expect("ns/a", 2, 0);
  e.raise("ns/a", -1, 0);
  e.creationObserved("ns/a");
  expect(e.satisfied("ns/a")).toBe(true);
  e.raise("ns/unknown", 1, 1);
  expect(e.pending("ns/unknown")).toBeUndefined();
});

test("tracked deletions count only the named objects, each once", () => {
  const e = new ControllerExpectations();
  e.expectDeletions("ns/rs", ["ns/a", "ns/b"]);
  e.deletionObserved("ns/rs", "ns/a");
  e.deletionObserved("ns/rs", "ns/a");
  e.deletionObserved("ns/rs", "ns/other");
  e.deletionObserved("ns/rs");
  expect(e.pending("ns/rs")).toEqual({ add: 0, del: 1 });
  expect(e.satisfied("ns/rs")).toBe(false);
  e.deletionObserved("ns/rs", "ns/b");
  expect(e.satisfied("ns/rs")).toBe(true);
});

test("expectations expire after five minutes and can be deleted", () => {
  let now = 0;
  const e = new ControllerExpectations(() => now);
  e.expectCreations("ns/a", 1);
  now += EXPECTATIONS_TTL_MS;
  expect(e.satisfied("ns/a")).toBe(false);
  now += 1;
  expect(e.satisfied("ns/a")).toBe(true);
  e.delete("ns/a");
  expect(e.pending("ns/a")).toBeUndefined();
});
