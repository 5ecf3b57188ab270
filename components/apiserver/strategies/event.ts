// The Event strategies. Both API groups store the core/v1 shape (the pipeline's codec turns
// events.k8s.io/v1 `regarding`, `note`, `reportingController`... into `involvedObject`,
// `message`, `reportingComponent`... before a strategy runs), so both read core fields and
// differ in strictness and in the names their causes and field selectors use.
// Upstream: pkg/registry/core/event/strategy.go, pkg/apis/core/validation/events.go,
// pkg/apis/events/v1/conversion.go (field label conversions).
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import type { KObject } from "../registry/object.ts";
import type { Strategy } from "../registry/strategy.ts";
import { invalid, required } from "../validation/field-errors.ts";
import { child, ensure, str } from "../validation/json.ts";
import { qualifiedName } from "../validation/qualified-name.ts";
import { checkFields } from "../validation/type-checks.ts";

const ZERO_TIMES = ["eventTime", "firstTimestamp", "lastTimestamp"];
const REF_KEYS = ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"];

interface Names {
  ref: string;
  controller: string;
  message: string;
}
const CORE: Names = { ref: "involvedObject", controller: "reportingComponent", message: "message" };
const V1: Names = { ref: "regarding", controller: "reportingController", message: "note" };

const isZeroTime = (v: unknown) => v === undefined || v === null || v === "";

/** legacyValidateEvent: what every event must satisfy, worded with the request's field names. */
function legacyValidate(obj: KObject, names: Names): StatusCause[] {
  const typed = checkFields("", obj, {
    involvedObject: "object",
    reason: "string",
    message: "string",
    type: "string",
    count: "integer",
    source: "object",
    action: "string",
    reportingComponent: "string",
    reportingInstance: "string",
  }).map((c) => ({ ...c, field: c.field?.slice(1) }));
  if (typed.length) return typed;
  const out: StatusCause[] = [];
  const ns = obj.metadata?.namespace ?? "";
  const involved = str(child(obj, "involvedObject"), "namespace") ?? "";
  const nsField = `${names.ref}.namespace`;
  if (isZeroTime(obj.eventTime)) {
    if (involved === "" ? ns !== "" && ns !== "default" : involved !== ns) {
      out.push(invalid(nsField, involved, "does not match event.namespace"));
    }
    return out;
  }
  if (involved === "" && ns !== "default" && ns !== "kube-system")
    out.push(invalid(nsField, involved, "does not match event.namespace"));
  const controller = str(obj, "reportingComponent") ?? "";
  if (controller === "") out.push(required(names.controller));
  out.push(...qualifiedName(names.controller, controller).filter(() => controller !== ""));
  const instance = str(obj, "reportingInstance") ?? "";
  if (instance === "") out.push(required("reportingInstance"));
  if (instance.length > 128) out.push(invalid("reportingInstance", "", "can have at most 128 characters"));
  const action = str(obj, "action") ?? "";
  if (action === "") out.push(required("action"));
  if (action.length > 128) out.push(invalid("action", "", "can have at most 128 characters"));
  const reason = str(obj, "reason") ?? "";
  if (reason === "") out.push(required("reason"));
  if (reason.length > 128) out.push(invalid("reason", "", "can have at most 128 characters"));
  if ((str(obj, "message") ?? "").length > 1024)
    out.push(invalid(names.message, "", "can have at most 1024 characters"));
  return out;
}

function refFields(obj: KObject, prefix: string): Record<string, string> {
  const ref = child(obj, "involvedObject");
  return Object.fromEntries(REF_KEYS.map((k) => [`${prefix}.${k}`, str(ref, k) ?? ""]));
}

export const eventStrategy: Strategy = {
  allowCreateOnUpdate: true,
  defaults(obj) {
    // Fields Go always serializes: zero times as null, empty strings, empty structs.
    for (const k of ZERO_TIMES) if (obj[k] === undefined) obj[k] = null;
    for (const k of ["reportingComponent", "reportingInstance"]) if (obj[k] === undefined) obj[k] = "";
    ensure(obj, "involvedObject");
    ensure(obj, "source");
  },
  validate: (obj) => legacyValidate(obj, CORE),
  fields(obj) {
    return {
      ...refFields(obj, "involvedObject"),
      reason: str(obj, "reason") ?? "",
      reportingComponent: str(obj, "reportingComponent") ?? "",
      source: str(child(obj, "source"), "component") ?? "",
      type: str(obj, "type") ?? "",
    };
  },
};

export const eventsV1Strategy: Strategy = {
  allowCreateOnUpdate: true,
  defaults: eventStrategy.defaults,
  validate(obj) {
    const out = legacyValidate(obj, V1);
    if (isZeroTime(obj.eventTime)) out.push(required("eventTime"));
    if (obj.type !== "Normal" && obj.type !== "Warning")
      out.push(invalid("type", "", `has invalid value: ${String(obj.type ?? "")}`));
    if (!isZeroTime(obj.firstTimestamp))
      out.push(invalid("deprecatedFirstTimestamp", "", "needs to be unset"));
    if (!isZeroTime(obj.lastTimestamp)) out.push(invalid("deprecatedLastTimestamp", "", "needs to be unset"));
    if (typeof obj.count === "number" && obj.count !== 0)
      out.push(invalid("deprecatedCount", "", "needs to be unset"));
    const source = child(obj, "source");
    if (str(source, "component") || str(source, "host"))
      out.push(invalid("deprecatedSource", "", "needs to be unset"));
    return out;
  },
  fields(obj) {
    return {
      ...refFields(obj, "regarding"),
      reason: str(obj, "reason") ?? "",
      reportingController: str(obj, "reportingComponent") ?? "",
      type: str(obj, "type") ?? "",
    };
  },
};
