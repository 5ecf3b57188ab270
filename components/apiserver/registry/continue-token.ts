// List continuation tokens as upstream encodes them: base64 of
// {"v":"meta.k8s.io/v1","rv":N,"start":"<key relative to the list prefix>"}
// (k8s.io/apiserver pkg/storage/continue.go). The token pins the revision of the first page.
import { StatusError } from "../../../lib/errors/status-error.ts";

export function encodeContinue(rv: number, nextKey: string, prefix: string): string {
  const start = nextKey.startsWith(prefix) ? nextKey.slice(prefix.length) : nextKey;
  return Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv, start })).toString("base64url");
}

export function decodeContinue(token: string, prefix: string): { rv: number; start: string } {
  let parsed: { v?: unknown; rv?: unknown; start?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw invalid("not a valid continue token");
  }
  if (parsed.v !== "meta.k8s.io/v1")
    throw invalid(
      "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
    );
  if (typeof parsed.rv !== "number" || parsed.rv <= 0)
    throw invalid("continue key is not valid: incorrect encoded start resourceVersion");
  if (typeof parsed.start !== "string" || parsed.start.includes("..") || parsed.start.startsWith("/")) {
    throw invalid("continue key is not valid: start key is not a relative key");
  }
  return { rv: parsed.rv, start: prefix + parsed.start };
}

function invalid(message: string): StatusError {
  return StatusError.of(400, "BadRequest", message, {
    causes: [{ reason: "FieldValueInvalid", field: "continue", message }],
  });
}
