// A Status as Go's encoding/json writes metav1.Status (apimachinery pkg/apis/meta/v1/types.go):
// fields in struct order, every `omitempty` field left out when empty. StatusError and
// successStatus build through it, so any JSON.stringify of a Status has upstream's bytes.
import type { Status, StatusCause, StatusDetails } from "./status-error.ts";

/**
 * kind, apiVersion, metadata, status, message, reason, details, code; empty strings, a zero code
 * and absent details omitted (details that are present stay, even empty: a non-nil pointer).
 */
export function canonicalStatus(status: Status): Status {
  const { kind, apiVersion, metadata, status: outcome, message, reason, details, code } = status;
  const out: Record<string, unknown> = {};
  if (kind) out.kind = kind;
  if (apiVersion) out.apiVersion = apiVersion;
  out.metadata = metadata ?? {};
  if (outcome) out.status = outcome;
  if (message) out.message = message;
  if (reason) out.reason = reason;
  if (details) out.details = canonicalDetails(details);
  if (code) out.code = code;
  return out as unknown as Status;
}

/** metav1.StatusDetails: name, group, kind, uid, causes, retryAfterSeconds. */
export function canonicalDetails(details: StatusDetails): StatusDetails {
  const { name, group, kind, uid, causes, retryAfterSeconds } = details;
  const out: StatusDetails = {};
  if (name) out.name = name;
  if (group) out.group = group;
  if (kind) out.kind = kind;
  if (uid) out.uid = uid;
  if (causes && causes.length > 0) out.causes = causes.map(canonicalCause);
  if (retryAfterSeconds) out.retryAfterSeconds = retryAfterSeconds;
  return out;
}

/** metav1.StatusCause: reason (its Type), message, field. */
function canonicalCause(cause: StatusCause): StatusCause {
  const out: StatusCause = {};
  if (cause.reason) out.reason = cause.reason;
  if (cause.message) out.message = cause.message;
  if (cause.field) out.field = cause.field;
  return out;
}
