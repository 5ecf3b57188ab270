// Slow start (upstream pkg/controller/replicaset/replica_set.go slowStartBatch): calls run in
// batches of 1, 2, 4, ... so a template that always fails costs one call, not hundreds; the
// first failing batch stops it.

export interface BatchResult {
  successes: number;
  /** The first error of the batch that failed. */
  error?: Error;
}

export async function slowStartBatch(
  count: number,
  initialBatchSize: number,
  fn: () => Promise<void>,
): Promise<BatchResult> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    successes += batch - failed.length;
    if (failed.length > 0) return { successes, error: failed[0]?.reason as Error };
    remaining -= batch;
  }
  return { successes };
}
