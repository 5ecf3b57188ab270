// Server-side field validation (`?fieldValidation=Strict|Warn|Ignore`, Warn when absent):
// fields the kind's schema does not know fail a Strict request with upstream's 400, and come
// back as `Warning: 299` headers under Warn. Upstream: k8s.io/apiserver
// pkg/endpoints/handlers/rest.go (fieldValidation) and the strict JSON decoder.
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { ResourceRequest } from "../api-context.ts";
import { unknownFields } from "../openapi/unknown-fields.ts";

const MODES = ["Ignore", "Warn", "Strict"];

export function validationMode(url: URL): string {
  const mode = url.searchParams.get("fieldValidation") ?? "Warn";
  if (!MODES.includes(mode)) {
    throw StatusError.badRequest(
      `fieldValidation: Invalid value: "${mode}": fieldValidation must be one of "Ignore", "Warn", or "Strict"`,
    );
  }
  return mode;
}

/** Check `body` (as the client sent it, in the served version) against the kind's schema. */
export function checkFields(r: ResourceRequest, body: unknown): void {
  const mode = validationMode(r.url);
  if (mode === "Ignore") return;
  const { group, version, kind } = r.entry.info;
  const unknown = unknownFields(group ? `${group}/${version}` : version, kind, body);
  if (unknown.length === 0) return;
  const problems = unknown.map((f) => `unknown field "${f}"`);
  if (mode === "Strict") {
    throw StatusError.badRequest(
      `${kind} in version "${version}" cannot be handled as a ${kind}: strict decoding error: ${problems.join(", ")}`,
    );
  }
  r.warnings.push(...problems);
}

/** The response with one `Warning: 299 - "..."` header per warning. */
export function withWarnings(res: Response, warnings: string[]): Response {
  for (const w of warnings) res.headers.append("Warning", `299 - ${JSON.stringify(w)}`);
  return res;
}
