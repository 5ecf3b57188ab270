// Slow-start batches.
import { expect, test } from "bun:test";
import { slowStartBatch } from "./slow-start-batch.ts";

test("slow start: batches of 1, 2, 4, ... stop at the first failing batch", async () => {
  let calls = 0;
  const ok = await slowStartBatch(10, 1, async () => {
    calls++;
  });
  expect(ok).toEqual({ successes: 10 });
  expect(calls).toBe(10);
  calls = 0;
  const failing = await slowStartBatch(10, 1, async () => {
    calls++;
    if (calls > 3) throw new Error("quota");
  });
  // 1 + 2 succeed, the batch of 4 fails entirely (all started), nothing after it.
  expect(failing.successes).toBe(3);
  expect(failing.error?.message).toBe("quota");
  expect(calls).toBe(7);
});
