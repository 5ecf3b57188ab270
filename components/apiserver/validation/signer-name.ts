// A CertificateSigningRequest's signerName: `<domain>/<path>` with a DNS domain of at least two
// labels and a subdomain path, as upstream's ValidateSignerName (pkg/apis/core/validation).
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { invalid, required, tooLong } from "./field-errors.ts";
import { dns1123Label, dns1123Subdomain } from "./names.ts";

const MAX_PATH = 571 - 253 - 1;

export function validateSignerName(field: string, signerName: unknown): StatusCause[] {
  if (typeof signerName !== "string" || signerName === "") return [required(field)];
  const segments = signerName.split("/");
  if (segments.length !== 2)
    return [
      invalid(
        field,
        signerName,
        "must be a fully qualified domain and path of the form 'example.com/signer-name'",
      ),
    ];
  const [domain = "", path = ""] = segments;
  const out: StatusCause[] = [];
  if (domain.length > 253) out.push(tooLong(field, 253));
  const labels = domain.split(".");
  for (const label of labels) {
    const errs = dns1123Label(field, label);
    if (errs.length > 0) {
      // upstream: `validating label "x": <the label message>`, then stops at the first bad label.
      const detail = (errs[0]?.message ?? "").replace(/^Invalid value: "(?:[^"\\]|\\.)*": /, "");
      out.push(invalid(field, domain, `validating label ${JSON.stringify(label)}: ${detail}`));
      break;
    }
  }
  if (labels.length < 2)
    out.push(invalid(field, domain, "should be a domain with at least two segments separated by dots"));
  if (path.length > MAX_PATH) out.push(tooLong(field, MAX_PATH));
  else {
    for (const err of dns1123Subdomain(field, path)) {
      const detail = (err.message ?? "").replace(/^Invalid value: "(?:[^"\\]|\\.)*": /, "");
      out.push(invalid(field, path, detail));
    }
  }
  return out;
}
