// The one StatusError -> HTTP Response renderer (DESIGN.md "Errors"), used by the apiserver
// and the kubelet's server: any thrown value leaves as Kubernetes Status JSON with its code;
// anything that is not a StatusError is a 500 InternalError (apimachinery's InternalError).
import { canonicalStatus, type Status, StatusError } from "./status-error.ts";

/** A thrown value as a StatusError; unknown errors become 500 InternalError. */
export function toStatusError(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return StatusError.internal(message);
}

/**
 * A Status as upstream's JSON serializer writes it: metav1.Status's field order (kind,
 * apiVersion, metadata, status, message, reason, details, code; empty ones omitted) and the
 * newline json.Encoder ends every document with, `<`, `>` and `&` escaped as it escapes them — so
 * clients comparing bodies see the same bytes.
 */
export function statusJson(status: Status): string {
  return `${JSON.stringify(canonicalStatus(status)).replace(/[<>&\u2028\u2029]/g, htmlEscape)}\n`;
}

/** json.Encoder's default SetEscapeHTML(true): these characters leave as \uXXXX escapes. */
function htmlEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** Any thrown value as a Status response with the status's HTTP code (plus any extra headers). */
export function statusResponse(err: unknown, headers: Record<string, string> = {}): Response {
  const status = toStatusError(err).status;
  return new Response(statusJson(status), {
    status: status.code,
    headers: { "Content-Type": "application/json", ...headers },
  });
}
