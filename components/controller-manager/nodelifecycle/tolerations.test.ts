// Toleration matching and the eviction verdict of the taint eviction controller.
import { expect, test } from "bun:test";
import type { Taint } from "kubernetes-types/core/v1";
import { evictionVerdict, toleratesTaint } from "./tolerations.ts";

const unreachable: Taint = { key: "node.kubernetes.io/unreachable", effect: "NoExecute" };
const notReady: Taint = { key: "node.kubernetes.io/not-ready", effect: "NoExecute" };

test("toleratesTaint follows key, operator, value and effect", () => {
  expect(toleratesTaint({ operator: "Exists" }, unreachable)).toBe(true);
  expect(
    toleratesTaint({ key: unreachable.key, operator: "Exists", effect: "NoSchedule" }, unreachable),
  ).toBe(false);
  expect(toleratesTaint({ key: "a", value: "1" }, { key: "a", value: "1", effect: "NoExecute" })).toBe(true);
  expect(toleratesTaint({ key: "a", value: "2" }, { key: "a", value: "1", effect: "NoExecute" })).toBe(false);
  expect(toleratesTaint({ key: "b", operator: "Exists" }, unreachable)).toBe(false);
});

test("no NoExecute taint, or tolerated forever: keep", () => {
  expect(evictionVerdict([], [])).toEqual({ kind: "keep" });
  expect(evictionVerdict([{ key: "x", effect: "NoSchedule" }], [])).toEqual({ kind: "keep" });
  expect(evictionVerdict([unreachable], [{ key: unreachable.key, operator: "Exists" }])).toEqual({
    kind: "keep",
  });
});

test("an untolerated taint evicts now; otherwise the smallest tolerationSeconds", () => {
  expect(evictionVerdict([unreachable], [])).toEqual({ kind: "now" });
  const defaults = [
    { key: notReady.key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
    { key: unreachable.key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
  ];
  expect(evictionVerdict([unreachable], defaults)).toEqual({ kind: "after", seconds: 300 });
  expect(evictionVerdict([unreachable, { key: "x", effect: "NoExecute" }], defaults)).toEqual({
    kind: "now",
  });
  const short = [
    { key: unreachable.key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 1 },
    ...defaults,
  ];
  expect(evictionVerdict([unreachable, notReady], short)).toEqual({ kind: "after", seconds: 1 });
  expect(evictionVerdict([unreachable], [{ operator: "Exists", tolerationSeconds: -5 }])).toEqual({
    kind: "after",
    seconds: 0,
  });
});
