// Pod predicates: readiness, activity, terminal phases and availability after minReadySeconds.
import { expect, test } from "bun:test";
import type { Pod } from "kubernetes-types/core/v1";
import {
  isPodActive,
  isPodAvailable,
  isPodReady,
  isPodTerminal,
  isPodTerminating,
} from "./pod-predicates.ts";

const pod = (phase: string, ready?: string, since?: string, deleting = false): Pod => ({
  metadata: { name: "p", deletionTimestamp: deleting ? "2026-01-01T00:00:00Z" : undefined },
  status: {
    phase,
    conditions: ready ? [{ type: "Ready", status: ready, lastTransitionTime: since }] : undefined,
  },
});

test("ready needs a Ready condition with status True", () => {
  expect(isPodReady(pod("Running", "True"))).toBe(true);
  expect(isPodReady(pod("Running", "False"))).toBe(false);
  expect(isPodReady(pod("Running"))).toBe(false);
  expect(isPodReady({})).toBe(false);
});

test("active excludes terminal and terminating pods", () => {
  expect(isPodActive(pod("Pending"))).toBe(true);
  expect(isPodActive(pod("Succeeded"))).toBe(false);
  expect(isPodActive(pod("Failed"))).toBe(false);
  expect(isPodActive(pod("Running", "True", undefined, true))).toBe(false);
  expect(isPodTerminal(pod("Running"))).toBe(false);
  expect(isPodTerminating(pod("Running", undefined, undefined, true))).toBe(true);
});

test("available once ready for longer than minReadySeconds", () => {
  const now = new Date("2026-01-01T00:01:00Z");
  expect(isPodAvailable(pod("Running", "True", "2026-01-01T00:00:00Z"), 0, now)).toBe(true);
  expect(isPodAvailable(pod("Running", "True", "2026-01-01T00:00:00Z"), 59, now)).toBe(true);
  expect(isPodAvailable(pod("Running", "True", "2026-01-01T00:00:00Z"), 60, now)).toBe(false);
  expect(isPodAvailable(pod("Running", "True"), 10, now)).toBe(false);
  expect(isPodAvailable(pod("Running", "False", "2026-01-01T00:00:00Z"), 0, now)).toBe(false);
});
