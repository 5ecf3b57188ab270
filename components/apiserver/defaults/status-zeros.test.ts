import { expect, test } from "bun:test";
import { statusZeros } from "./status-zeros.ts";

test("status zeros", () => {
  const obj: Record<string, unknown> = { status: { replicas: 2 } };
  statusZeros(obj, ["replicas", "readyReplicas"]);
  expect(obj.status).toEqual({ replicas: 2, readyReplicas: 0 });
});
