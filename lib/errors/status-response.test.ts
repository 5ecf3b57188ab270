import { describe, expect, test } from "bun:test";
import { StatusError } from "./status-error.ts";
import { statusResponse, toStatusError } from "./status-response.ts";

describe("statusResponse", () => {
  test("a StatusError keeps its code, reason and message", async () => {
    const res = statusResponse(StatusError.notFound({ group: "apps", resource: "deployments" }, "web"));
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/json");
    const body = (await res.json()) as { kind: string; reason: string; message: string; code: number };
    expect(body).toMatchObject({ kind: "Status", reason: "NotFound", code: 404 });
    expect(body.message).toBe('deployments.apps "web" not found');
  });

  test("a plain Error is a 500 InternalError naming the message", async () => {
    const res = statusResponse(new Error("disk on fire"));
    expect(res.status).toBe(500);
    const body = (await res.json()) as { reason: string; message: string };
    expect(body.reason).toBe("InternalError");
    expect(body.message).toBe("Internal error occurred: disk on fire");
  });

  test("a thrown non-Error value is stringified", () => {
    expect(toStatusError("boom").message).toBe("Internal error occurred: boom");
    expect(toStatusError(undefined).code).toBe(500);
  });

  test("extra headers go along (the filters' X-Content-Type-Options: nosniff)", () => {
    const res = statusResponse(StatusError.badRequest("no"), { "X-Content-Type-Options": "nosniff" });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-type")).toBe("application/json");
  });
});
