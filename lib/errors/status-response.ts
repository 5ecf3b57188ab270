// The one StatusError -> HTTP Response renderer (DESIGN.md "Errors"), used by the apiserver
// and the kubelet's server: any thrown value leaves as Kubernetes Status JSON with its code;
// anything that is not a StatusError is a 500 InternalError (apimachinery's InternalError).
import { StatusError } from "./status-error.ts";

/** A thrown value as a StatusError; unknown errors become 500 InternalError. */
export function toStatusError(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return StatusError.internal(message);
}

/** Any thrown value as a Status response with the status's HTTP code (plus any extra headers). */
export function statusResponse(err: unknown, headers: Record<string, string> = {}): Response {
  const status = toStatusError(err).status;
  return new Response(JSON.stringify(status), {
    status: status.code,
    headers: { "Content-Type": "application/json", ...headers },
  });
}
