// Writing JSON responses with the right status code, ending in the newline upstream's
// json.Encoder writes after every document; errors are rendered as a Kubernetes Status by
// lib/errors/status-response.ts (DESIGN.md "Errors").

const JSON_TYPE = "application/json";

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return jsonText(JSON.stringify(body), status, headers);
}

/** The response `json` gives for a body already encoded (e.g. spliced from stored text). */
export function jsonText(text: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(`${text}\n`, { status, headers: { "Content-Type": JSON_TYPE, ...headers } });
}

/**
 * upstream's responsewriters.WriteRawJSON, for non-API documents (/version, the root paths):
 * indented by two spaces, no trailing newline.
 */
export function rawJson(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body, null, 2), { status, headers: { "Content-Type": JSON_TYPE } });
}
