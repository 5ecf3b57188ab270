// The Event strategies: core/v1 events (namespace agreement with involvedObject, the zero
// fields Go always prints, field selectors on involvedObject.*, reason, source, type) and
// events.k8s.io/v1 events (eventTime, reportingController, action, reason, type required).
// Upstream: pkg/registry/core/event/strategy.go, pkg/apis/core/validation/events.go.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import type { KObject } from "../registry/object.ts";
import type { Strategy } from "../registry/strategy.ts";
import { invalid, notSupported, required, tooLong } from "../validation/field-errors.ts";
import { checkFields } from "../validation/type-checks.ts";
import { child, ensure, str } from "./json.ts";

const ZERO_TIMES = ["eventTime", "firstTimestamp", "lastTimestamp"];

function involvedNamespace(obj: KObject, ref: string): StatusCause[] {
  const ns = obj.metadata?.namespace ?? "";
  const involved = str(child(obj, ref), "namespace") ?? "";
  const field = `${ref}.namespace`;
  if (involved === "")
    return ns === "" || ns === "default" ? [] : [invalid(field, involved, "does not match event.namespace")];
  return involved === ns ? [] : [invalid(field, involved, "does not match event.namespace")];
}

function eventFields(
  obj: KObject,
  ref: string,
  sourceKey: string,
  controllerKey: string,
): Record<string, string> {
  const involved = child(obj, ref);
  const get = (k: string) => str(involved, k) ?? "";
  return {
    "involvedObject.kind": get("kind"),
    "involvedObject.namespace": get("namespace"),
    "involvedObject.name": get("name"),
    "involvedObject.uid": get("uid"),
    "involvedObject.apiVersion": get("apiVersion"),
    "involvedObject.resourceVersion": get("resourceVersion"),
    "involvedObject.fieldPath": get("fieldPath"),
    reason: str(obj, "reason") ?? "",
    reportingComponent: str(obj, controllerKey) ?? "",
    source: str(child(obj, sourceKey), "component") ?? "",
    type: str(obj, "type") ?? "",
  };
}

export const eventStrategy: Strategy = {
  allowCreateOnUpdate: true,
  defaults(obj) {
    for (const k of ZERO_TIMES) if (obj[k] === undefined) obj[k] = null;
    for (const k of ["reportingComponent", "reportingInstance"]) if (obj[k] === undefined) obj[k] = "";
    ensure(obj, "involvedObject");
    ensure(obj, "source");
  },
  validate(obj) {
    const typed = checkFields("", obj, {
      involvedObject: "object",
      reason: "string",
      message: "string",
      type: "string",
      count: "integer",
      source: "object",
    }).map((c) => ({ ...c, field: c.field?.slice(1) }));
    if (typed.length) return typed;
    const out: StatusCause[] = [];
    if (obj.eventTime === undefined || obj.eventTime === null)
      out.push(...involvedNamespace(obj, "involvedObject"));
    else {
      if (!obj.reportingComponent) out.push(required("reportingComponent"));
      if (!obj.reportingInstance) out.push(required("reportingInstance"));
      if (!obj.action) out.push(required("action"));
      if (!obj.reason) out.push(required("reason"));
    }
    if (typeof obj.type === "string" && obj.type !== "" && obj.type !== "Normal" && obj.type !== "Warning") {
      out.push(notSupported("type", obj.type, ["Normal", "Warning"]));
    }
    return out;
  },
  fields(obj) {
    return eventFields(obj, "involvedObject", "source", "reportingComponent");
  },
};

export const eventsV1Strategy: Strategy = {
  allowCreateOnUpdate: true,
  validate(obj) {
    const typed = checkFields("", obj, {
      regarding: "object",
      reason: "string",
      note: "string",
      type: "string",
      action: "string",
    }).map((c) => ({ ...c, field: c.field?.slice(1) }));
    if (typed.length) return typed;
    const out: StatusCause[] = [];
    if (obj.eventTime === undefined || obj.eventTime === null) out.push(required("eventTime"));
    for (const k of ["reportingController", "reportingInstance", "action", "reason"])
      if (!obj[k]) out.push(required(k));
    if (typeof obj.reportingController === "string" && obj.reportingController.length > 128)
      out.push(tooLong("reportingController", 128));
    if (typeof obj.reportingInstance === "string" && obj.reportingInstance.length > 128)
      out.push(tooLong("reportingInstance", 128));
    if (typeof obj.action === "string" && obj.action.length > 128) out.push(tooLong("action", 128));
    if (typeof obj.reason === "string" && obj.reason.length > 128) out.push(tooLong("reason", 128));
    if (typeof obj.note === "string" && obj.note.length > 1024) out.push(tooLong("note", 1024));
    if (obj.type !== "Normal" && obj.type !== "Warning")
      out.push(notSupported("type", obj.type ?? "", ["Normal", "Warning"]));
    out.push(...involvedNamespace(obj, "regarding"));
    return out;
  },
  fields(obj) {
    return eventFields(obj, "regarding", "deprecatedSource", "reportingController");
  },
};
