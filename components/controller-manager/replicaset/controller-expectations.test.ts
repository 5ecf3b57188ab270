// Expectations: creations counted down, deletions tracked by pod key, expiry after 5 minutes.
import { expect, test } from "bun:test";
import { ControllerExpectations, EXPECTATIONS_TTL_MS } from "./controller-expectations.ts";

test("satisfied once every expected creation and deletion was observed, or after the TTL", () => {
  let now = 0;
  const e = new ControllerExpectations(() => now);
  expect(e.satisfied("ns/rs")).toBe(true);
  e.expectCreations("ns/rs", 2);
  e.creationObserved("ns/rs");
  expect(e.satisfied("ns/rs")).toBe(false);
  e.creationObserved("ns/rs");
  expect(e.satisfied("ns/rs")).toBe(true);
  e.expectDeletions("ns/rs", ["ns/a", "ns/b"]);
  e.deletionObserved("ns/rs", "ns/a");
  e.deletionObserved("ns/rs", "ns/a");
  e.deletionObserved("ns/rs", "ns/other");
  expect(e.pending("ns/rs")).toEqual({ add: 0, del: 1 });
  expect(e.satisfied("ns/rs")).toBe(false);
  now = EXPECTATIONS_TTL_MS + 1;
  expect(e.satisfied("ns/rs")).toBe(true);
  e.delete("ns/rs");
  expect(e.pending("ns/rs")).toBeUndefined();
});
