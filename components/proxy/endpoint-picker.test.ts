// Unit tests of the userspace endpoint choice: round-robin, and ClientIP affinity that holds
// until the client is idle for the timeout (an injected clock, no sleeping).

import { expect, test } from "bun:test";
import { EndpointPicker } from "./endpoint-picker.ts";

const a = { ip: "10.0.0.1", port: 80, local: true };
const b = { ip: "10.0.0.2", port: 80, local: true };

test("round-robin without affinity; nothing without endpoints", () => {
  const picker = new EndpointPicker();
  expect(picker.pick("1.1.1.1")).toBeUndefined();
  picker.update([a, b], undefined);
  expect([picker.pick("c"), picker.pick("c"), picker.pick("c")]).toEqual([a, b, a]);
});

test("ClientIP affinity holds while used, expires after the idle timeout, and follows endpoint removal", () => {
  let now = 0;
  const picker = new EndpointPicker(() => now);
  picker.update([a, b], 10);
  expect(picker.pick("c1")).toEqual(a);
  expect(picker.pick("c2")).toEqual(b);
  now = 9_000;
  expect(picker.pick("c1")).toEqual(a);
  now = 19_500;
  expect(picker.pick("c1")).toEqual(a); // idle 10.5 s: a new round-robin choice, a again
  picker.update([b], 10);
  expect(picker.pick("c1")).toEqual(b);
});
