// A request method Bun's HTTP parser does not know (`FOO / HTTP/1.1`, `get`, `BREW`) makes it close
// the connection; Go's net/http takes any token and go-restful answers 405, which the apiserver
// renders as a MethodNotAllowed Status. A front reads the first request line and answers that itself.
import { StatusError } from "../errors/status-error.ts";
import { statusJson } from "../errors/status-response.ts";

/** The methods passed on to Bun.serve: those kube serves and those it answers itself. */
const PASSED = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"]);
/** RFC 9110 token characters: anything else in a method is a malformed request, Bun's to refuse. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]$/;
/** Longer than any method a client sends: past this without a space the parser decides. */
const MAX_METHOD = 32;

/**
 * What to do with a connection given its first bytes: "pass" them on, "wait" for more (no space
 * yet), or answer with the returned response and close (a well-formed method Bun cannot parse).
 */
export function unknownMethodVerdict(head: Uint8Array): "pass" | "wait" | Uint8Array {
  const end = Math.min(head.length, MAX_METHOD + 1);
  for (let i = 0; i < end; i++) {
    const c = head[i] as number;
    if (c === 0x20) {
      const method = String.fromCharCode(...head.subarray(0, i));
      return i === 0 || PASSED.has(method) ? "pass" : methodNotAllowed();
    }
    if (c >= 0x80 || !TOKEN.test(String.fromCharCode(c))) return "pass";
  }
  return head.length > MAX_METHOD ? "pass" : "wait";
}

/**
 * Upstream's serviceErrorHandler for go-restful's 405: NewGenericServerResponse(405, ...) with
 * isUnexpectedResponse false, so the details carry no cause (`"details":{}`).
 */
function methodNotAllowed(): Uint8Array {
  const body = statusJson(StatusError.methodNotAllowed().status);
  const head =
    "HTTP/1.1 405 Method Not Allowed\r\n" +
    "Content-Type: application/json\r\n" +
    "Cache-Control: no-cache, private\r\n" +
    "X-Content-Type-Options: nosniff\r\n" +
    `Date: ${new Date().toUTCString()}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    "Connection: close\r\n\r\n";
  return new TextEncoder().encode(head + body);
}
