// Requests the HTTP layer cannot make sense of, answered 400 with a Status before anything else
// reads them: a Host header that makes no URL (also HTTP/1.0 without Host), and a path with a
// malformed %-escape. Go's net/http refuses both with 400 too ("malformed Host header",
// `invalid URL escape "%zz"`); the Bun server's error handler is the fallback for the rest.
import { StatusError } from "./status-error.ts";
import { statusResponse } from "./status-response.ts";

/** A 400 Status response when `req` is malformed, else undefined. */
export function malformedRequest(req: Request): Response | undefined {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return statusResponse(StatusError.badRequest("malformed Host header"));
  }
  const bad = /%(?![0-9a-fA-F]{2})..?/.exec(url.pathname);
  if (bad)
    return statusResponse(StatusError.badRequest(`invalid URL escape ${JSON.stringify(bad[0].slice(0, 3))}`));
  try {
    decodeURIComponent(url.pathname);
  } catch {
    return statusResponse(StatusError.badRequest(`invalid URL escape in ${JSON.stringify(url.pathname)}`));
  }
  return undefined;
}

/**
 * Bun.serve's `error` handler: whatever escaped a handler leaves as a Status (400 for a
 * malformed request, else 500), never as a development error page.
 */
export function serverErrorResponse(err: unknown): Response {
  if (err instanceof StatusError) return statusResponse(err);
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof TypeError && /invalid url/i.test(message))
    return statusResponse(StatusError.badRequest("malformed Host header"));
  if (err instanceof URIError)
    return statusResponse(StatusError.badRequest(`invalid URL escape: ${message}`));
  return statusResponse(StatusError.internal(message));
}
