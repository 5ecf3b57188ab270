// One error type for the API: a StatusError carries a Kubernetes `Status` and is rendered in
// one place. Constructors copy upstream's codes, reasons and message formats
// (kubernetes/apimachinery pkg/api/errors/errors.go), which kubectl prints verbatim; the Status
// is kept in metav1.Status's field order with empty fields omitted (canonicalStatus).
import { goQuote } from "./go-quote.ts";

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Success" | "Failure";
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** A resource as errors name it: plural, and group when not core ("deployments.apps"). */
export interface Qualified {
  group: string;
  resource: string;
}

const qualified = (q: Qualified) => (q.group ? `${q.resource}.${q.group}` : q.resource);

export class StatusError extends Error {
  override name = "StatusError";
  readonly status: Status;
  constructor(status: Status) {
    super(status.message || status.reason || `status ${status.code}`);
    this.status = canonicalStatus(status);
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): string | undefined {
    return this.status.reason;
  }

  static of(code: number, reason: string, message: string, details?: StatusDetails): StatusError {
    return new StatusError({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message,
      reason,
      ...(details ? { details } : {}),
      code,
    });
  }

  static notFound(q: Qualified, name: string): StatusError {
    return StatusError.of(404, "NotFound", `${qualified(q)} ${goQuote(name)} not found`, detailsOf(q, name));
  }

  static alreadyExists(q: Qualified, name: string): StatusError {
    return StatusError.of(
      409,
      "AlreadyExists",
      `${qualified(q)} ${goQuote(name)} already exists`,
      detailsOf(q, name),
    );
  }

  static conflict(q: Qualified, name: string, why: string): StatusError {
    return StatusError.of(
      409,
      "Conflict",
      `Operation cannot be fulfilled on ${qualified(q)} ${goQuote(name)}: ${why}`,
      detailsOf(q, name),
    );
  }

  /** The optimistic-concurrency conflict of a stale resourceVersion. */
  static modified(q: Qualified, name: string): StatusError {
    return StatusError.conflict(
      q,
      name,
      "the object has been modified; please apply your changes to the latest version and try again",
    );
  }

  /**
   * 422 with one cause per field problem (kubectl prints the causes, not the message), as
   * upstream's NewInvalid: the GroupKind ("Deployment.apps", a core kind bare), the name quoted as
   * Go's %q, the problems as field.ErrorList's aggregate (repeated texts once, `[a, b]` for more
   * than one); no name means no details name, and the message keeps `""`.
   */
  static invalid(kind: { group: string; kind: string }, name: string, causes: StatusCause[]): StatusError {
    const list = [...new Set(causes.map((c) => (c.field ? `${c.field}: ${c.message}` : (c.message ?? ""))))];
    const what = kind.group ? `${kind.kind}.${kind.group}` : kind.kind;
    const head = `${what} ${goQuote(name)} is invalid`;
    const message =
      list.length === 0 ? head : `${head}: ${list.length === 1 ? list[0] : `[${list.join(", ")}]`}`;
    return StatusError.of(422, "Invalid", message, { name, group: kind.group, kind: kind.kind, causes });
  }

  static badRequest(message: string): StatusError {
    return StatusError.of(400, "BadRequest", message);
  }

  /** upstream's NewForbidden: no resource is `forbidden: why`, no name leaves the name out. */
  static forbidden(q: Qualified, name: string, why: string): StatusError {
    const message =
      !q.resource && !q.group
        ? `forbidden: ${why}`
        : `${name ? `${qualified(q)} ${goQuote(name)}` : qualified(q)} is forbidden: ${why}`;
    return StatusError.of(403, "Forbidden", message, detailsOf(q, name));
  }

  /** 410: the requested resourceVersion was compacted away. */
  static expired(message: string): StatusError {
    return StatusError.of(410, "Expired", message);
  }

  /**
   * 405 as kube-apiserver answers a method its go-restful routes do not take on a path:
   * NewGenericServerResponse(405, ...) for go-restful's ServiceError, so details are empty.
   */
  static methodNotAllowed(): StatusError {
    return StatusError.of(
      405,
      "MethodNotAllowed",
      "the server does not allow this method on the requested resource",
      {},
    );
  }

  /**
   * 415 as upstream's negotiation errUnsupportedMediaType: the message lists the accepted types;
   * no details (the content type sent is not named).
   */
  static unsupportedMediaType(accepted: string[]): StatusError {
    return StatusError.of(
      415,
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`,
    );
  }

  static tooLarge(limit: number): StatusError {
    return StatusError.of(413, "RequestEntityTooLarge", `Request entity too large: limit is ${limit}`);
  }

  static internal(message: string): StatusError {
    return StatusError.of(500, "InternalError", `Internal error occurred: ${message}`, {
      causes: [{ message }],
    });
  }

  static notFoundPath(): StatusError {
    return StatusError.of(404, "NotFound", "the server could not find the requested resource", {});
  }
}

function detailsOf(q: Qualified, name: string): StatusDetails {
  return { name, group: q.group, kind: q.resource };
}

export function successStatus(code = 200, details?: StatusDetails): Status {
  return canonicalStatus({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    ...(details ? { details } : {}),
    code,
  });
}

// A Status as Go's encoding/json writes metav1.Status (apimachinery pkg/apis/meta/v1/types.go):
// fields in struct order, every `omitempty` field left out when empty.

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
