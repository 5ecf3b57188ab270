// Writing responses: JSON bodies with the right status code, and every error as a
// Kubernetes Status rendered in this one place (DESIGN.md "Errors").
import { StatusError } from "../../../lib/errors/status-error.ts";

const JSON_TYPE = "application/json";

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": JSON_TYPE, ...headers } });
}

/** Any thrown value as a Status response; unknown errors become 500 InternalError. */
export function errorResponse(err: unknown): Response {
  const status = toStatusError(err).status;
  return json(status, status.code);
}

export function toStatusError(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return StatusError.internal(message);
}
