// Validation of probes and lifecycle handlers: exactly one handler, non-negative timings,
// port numbers or names, HTTP schemes. Upstream: pkg/apis/core/validation/validation.go
// validateProbe, validateHandler, validateHTTPGetAction, validateTCPSocketAction.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { forbidden, invalid, notSupported, required } from "./field-errors.ts";
import { child, type JsonObject } from "./json.ts";
import { portName, portNumber } from "./ports.ts";
import { checkType } from "./type-checks.ts";

const HANDLERS = ["exec", "httpGet", "tcpSocket", "grpc", "sleep"];

function port(field: string, value: unknown): StatusCause[] {
  if (typeof value === "number") return portNumber(field, value);
  if (typeof value === "string") {
    if (value === "") return [required(field)];
    return /^\d+$/.test(value) ? portNumber(field, Number(value)) : portName(field, value);
  }
  if (value === undefined || value === null) return [required(field)];
  return checkType(field, value, "integer");
}

export function validateHandler(path: string, handler: JsonObject, allowed = HANDLERS): StatusCause[] {
  const out: StatusCause[] = [];
  const set = allowed.filter((h) => handler[h] !== undefined && handler[h] !== null);
  if (set.length === 0) return [required(path, "must specify a handler type")];
  for (const h of set.slice(1))
    out.push(forbidden(`${path}.${h}`, "may not specify more than 1 handler type"));
  const exec = child(handler, "exec");
  if (exec && (!Array.isArray(exec.command) || exec.command.length === 0))
    out.push(required(`${path}.exec.command`));
  const get = child(handler, "httpGet");
  if (get) {
    out.push(...port(`${path}.httpGet.port`, get.port));
    if (typeof get.scheme === "string" && get.scheme !== "HTTP" && get.scheme !== "HTTPS") {
      out.push(notSupported(`${path}.httpGet.scheme`, get.scheme, ["HTTP", "HTTPS"]));
    }
  }
  const tcp = child(handler, "tcpSocket");
  if (tcp) out.push(...port(`${path}.tcpSocket.port`, tcp.port));
  const grpc = child(handler, "grpc");
  if (grpc)
    out.push(
      ...(typeof grpc.port === "number"
        ? portNumber(`${path}.grpc.port`, grpc.port)
        : port(`${path}.grpc.port`, grpc.port)),
    );
  return out;
}

export function validateProbe(path: string, probe: unknown, liveness: boolean): StatusCause[] {
  if (probe === undefined || probe === null) return [];
  const typed = checkType(path, probe, "object");
  if (typed.length) return typed;
  const p = probe as JsonObject;
  const out = validateHandler(path, p, ["exec", "httpGet", "tcpSocket", "grpc"]);
  for (const key of [
    "initialDelaySeconds",
    "timeoutSeconds",
    "periodSeconds",
    "successThreshold",
    "failureThreshold",
    "terminationGracePeriodSeconds",
  ]) {
    const v = p[key];
    const bad = checkType(`${path}.${key}`, v, "integer");
    if (bad.length) out.push(...bad);
    else if (typeof v === "number" && v < 0)
      out.push(invalid(`${path}.${key}`, v, "must be greater than or equal to 0"));
  }
  if (liveness && typeof p.successThreshold === "number" && p.successThreshold !== 1) {
    out.push(invalid(`${path}.successThreshold`, p.successThreshold, "must be 1"));
  }
  return out;
}
