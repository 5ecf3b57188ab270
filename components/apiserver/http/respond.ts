// Writing JSON responses with the right status code; errors are rendered as a Kubernetes
// Status by lib/errors/status-response.ts (DESIGN.md "Errors").

const JSON_TYPE = "application/json";

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": JSON_TYPE, ...headers } });
}
