// A list's query parameters checked as upstream checks them before reading storage:
// ValidateListOptions (apimachinery pkg/apis/meta/internalversion/validation) answers 422 for a
// resourceVersionMatch without a resourceVersion, with continue, or of an unknown value; the
// storage's ParseResourceVersion answers 400 for a resourceVersion that is not a uint64.
import { goQuote } from "../../../lib/errors/go-quote.ts";
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { StatusError } from "../../../lib/errors/status-error.ts";

const MATCHES = ["Exact", "NotOlderThan"];

export function validateListOptions(params: URLSearchParams): void {
  const rv = params.get("resourceVersion") ?? "";
  const match = params.get("resourceVersionMatch") ?? "";
  const causes: StatusCause[] = [];
  const forbidden = (field: string, why: string) =>
    causes.push({ reason: "FieldValueForbidden", message: `Forbidden: ${why}`, field });
  if (match !== "") {
    if (rv === "")
      forbidden(
        "resourceVersionMatch",
        "resourceVersionMatch is forbidden unless resourceVersion is provided",
      );
    if (params.get("continue"))
      forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided");
    if (!MATCHES.includes(match)) {
      causes.push({
        reason: "FieldValueNotSupported",
        message: `Unsupported value: ${goQuote(match)}: supported values: "Exact", "NotOlderThan", ""`,
        field: "resourceVersionMatch",
      });
    }
    if (match === "Exact" && rv === "0")
      forbidden("resourceVersionMatch", 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
  }
  if (params.has("sendInitialEvents"))
    forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list");
  if (causes.length > 0) throw StatusError.invalid({ group: "meta.k8s.io", kind: "ListOptions" }, "", causes);
  const problem = resourceVersionProblem(rv);
  if (problem) throw StatusError.badRequest(`invalid resource version: ${problem}`);
}

/** storage.APIObjectVersioner.ParseResourceVersion's error for `rv`, or undefined. */
export function resourceVersionProblem(rv: string): string | undefined {
  if (rv === "" || rv === "0") return undefined;
  if (/^\d+$/.test(rv) && BigInt(rv) <= 18446744073709551615n) return undefined;
  const why = /^\d+$/.test(rv) ? "value out of range" : "invalid syntax";
  return `resourceVersion: Invalid value: ${goQuote(rv)}: strconv.ParseUint: parsing ${goQuote(rv)}: ${why}`;
}
