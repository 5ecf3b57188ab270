// The bench's reading of the apiserver's request-duration histogram (bucket upper bounds).

import { describe, expect, test } from "bun:test";
import { bucketPercentiles, durationBuckets } from "./kubelet-phases.ts";

const labels = 'verb="PATCH",group="",resource="pods",subresource="status"';
const metrics = (counts: number[]) =>
  ["0.1", "0.4", "1", "5", "+Inf"]
    .map((le, i) => `apiserver_request_duration_seconds_bucket{${labels},le="${le}"} ${counts[i]}`)
    .concat([
      'apiserver_request_duration_seconds_bucket{verb="CREATE",group="",resource="pods",subresource="",le="0.1"} 7',
    ])
    .join("\n");

describe("bucketPercentiles", () => {
  test("p50 and p99 as bucket upper bounds of the requests between two snapshots", () => {
    const before = durationBuckets(metrics([1, 1, 1, 1, 1]), "PATCH", "pods", "status");
    const after = durationBuckets(metrics([31, 61, 91, 100, 101]), "PATCH", "pods", "status");
    expect(before.get("0.1")).toBe(1);
    expect(bucketPercentiles(before, after)).toBe("p50 ≤ 0.4 s, p99 ≤ 5 s");
  });

  test("no request of that kind, or none in between: none", () => {
    const empty = durationBuckets("", "PATCH", "pods", "status");
    expect(empty.size).toBe(0);
    expect(bucketPercentiles(empty, empty)).toBe("none");
    const same = durationBuckets(metrics([3, 3, 3, 3, 3]), "PATCH", "pods", "status");
    expect(bucketPercentiles(same, same)).toBe("none");
  });

  test("requests slower than the last bound fall in +Inf", () => {
    const after = durationBuckets(metrics([0, 0, 0, 0, 4]), "PATCH", "pods", "status");
    expect(bucketPercentiles(new Map(), after)).toBe("p50 ≤ +Inf s, p99 ≤ +Inf s");
  });
});
