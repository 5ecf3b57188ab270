import { describe, expect, test } from "bun:test";
import { StatusError } from "./status-error.ts";
import { statusJson, statusResponse, toStatusError } from "./status-response.ts";

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

  test("bytes as upstream's encoder writes them: Go field order, details before code, a trailing newline", async () => {
    const notFound = statusResponse(StatusError.notFound({ group: "apps", resource: "deployments" }, "web"));
    expect(await notFound.text()).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \\"web\\" not found","reason":"NotFound","details":{"name":"web","group":"apps","kind":"deployments"},"code":404}\n',
    );
    const invalid = StatusError.invalid({ group: "", kind: "Pod" }, "p", [
      { field: "spec.containers", message: "Required value", reason: "FieldValueRequired" },
    ]);
    expect(await statusResponse(invalid).text()).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Pod \\"p\\" is invalid: spec.containers: Required value","reason":"Invalid","details":{"name":"p","kind":"Pod","causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.containers"}]},"code":422}\n',
    );
    expect(await statusResponse(StatusError.notFoundPath()).text()).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}\n',
    );
    expect(await statusResponse(StatusError.badRequest("no")).text()).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"no","reason":"BadRequest","code":400}\n',
    );
  });

  test("a Status built out of order (a client's decoded body) is still written in Go's order", () => {
    const status = JSON.parse(
      '{"code":409,"details":{"kind":"pods","name":"x"},"reason":"Conflict","message":"m","status":"Failure","metadata":{},"apiVersion":"v1","kind":"Status"}',
    );
    expect(statusJson(status)).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"m","reason":"Conflict","details":{"name":"x","kind":"pods"},"code":409}\n',
    );
  });
});

test("<, > and & leave as json.Encoder's \\u escapes, as upstream's bodies show them", () => {
  const body = statusJson(StatusError.badRequest('invalid value: <nil> & "x" > y').status);
  expect(body).toBe(
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"invalid value: \\u003cnil\\u003e \\u0026 \\"x\\" \\u003e y","reason":"BadRequest","code":400}\n',
  );
  expect(JSON.parse(body).message).toBe('invalid value: <nil> & "x" > y');
});
