// Turns a decoded protobuf message into the JSON Go's encoding/json would write for the same
// object: omitempty and pointer rules per field, inline structs, and the custom JSON forms of
// Time, MicroTime, Duration, Quantity, IntOrString, RawExtension and FieldsV1.
import { type Field, Type } from "protobufjs";
import { formatGoDuration } from "./go-duration.ts";
import { goFieldShape, isGoListMessage, jsonFieldName, specialMessages } from "./go-json-shape.ts";
import { formatGoTime } from "./go-time.ts";
import { ProtobufError } from "./protobuf-error.ts";

type Decoded = Record<string, unknown>;

/** protobufjs hands out int64 as a Long object when long.js is loaded, else as a number. */
function int64ToNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (value && typeof value === "object" && "toNumber" in value && typeof value.toNumber === "function") {
    return value.toNumber() as number;
  }
  return Number(value);
}

function int64ToBigInt(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (value && typeof value === "object" && "toString" in value && typeof value.toString === "function") {
    return BigInt(value.toString() as string);
  }
  return BigInt(value as number);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function embeddedJson(bytes: Uint8Array | undefined, what: string): unknown {
  if (!bytes || bytes.length === 0) return null;
  try {
    return JSON.parse(utf8.decode(bytes));
  } catch (cause) {
    throw new ProtobufError("Malformed", `${what} does not hold JSON: ${(cause as Error).message}`, {
      cause,
    });
  }
}

function isZeroScalar(value: unknown): boolean {
  if (value === undefined || value === null || value === "" || value === false || value === 0) return true;
  if (value instanceof Uint8Array) return value.length === 0;
  if (typeof value === "object" && "isZero" in value && typeof value.isZero === "function") {
    return value.isZero() as boolean;
  }
  return false;
}

function zeroScalar(field: Field): unknown {
  switch (field.type) {
    case "string":
      return "";
    case "bool":
      return false;
    case "bytes":
      return null;
    default:
      return 0;
  }
}

function scalarToJson(field: Field, value: unknown): unknown {
  switch (field.type) {
    case "int64":
    case "uint64":
    case "sint64":
    case "fixed64":
    case "sfixed64":
      return int64ToNumber(value);
    case "bytes":
      return Buffer.from(value as Uint8Array).toString("base64");
    default:
      return value;
  }
}

/** The JSON form of one message value, honouring the types with a custom MarshalJSON. */
function messageValueToJson(type: Type, message: Decoded): unknown {
  const has = (name: string) => Object.hasOwn(message, name);
  switch (type.fullName) {
    case specialMessages.time:
    case specialMessages.microTime: {
      // A zero time travels as an empty message; Go reads it back as the zero time, written null.
      if (!has("seconds") && !has("nanos")) return null;
      const time = { seconds: int64ToNumber(message.seconds ?? 0), nanos: Number(message.nanos ?? 0) };
      return formatGoTime(time, type.fullName === specialMessages.time ? 0 : 6);
    }
    case specialMessages.duration:
      return formatGoDuration(int64ToBigInt(message.duration ?? 0));
    case specialMessages.quantity:
      return typeof message.string === "string" && message.string !== "" ? message.string : "0";
    case specialMessages.intOrString:
      return int64ToNumber(message.type ?? 0) === 1 ? (message.strVal ?? "") : (message.intVal ?? 0);
    case specialMessages.rawExtension:
      return embeddedJson(message.raw as Uint8Array | undefined, "a RawExtension");
    case specialMessages.fieldsV1:
      return embeddedJson(message.Raw as Uint8Array | undefined, "a FieldsV1");
  }
  if (isGoListMessage(type)) {
    const items = message.items as unknown[] | undefined;
    return items && items.length > 0 ? [...items] : null;
  }
  return messageToGoJson(type, message);
}

function elementToJson(field: Field, value: unknown): unknown {
  const type = field.resolvedType;
  return type instanceof Type ? messageValueToJson(type, value as Decoded) : scalarToJson(field, value);
}

/** Go's JSON object for a decoded message (as protobufjs returns it, presence kept for proto2). */
export function messageToGoJson(type: Type, message: Decoded): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const shape = goFieldShape(field);
    const name = jsonFieldName(field);
    const present = Object.hasOwn(message, field.name);
    const value = message[field.name];
    if (field.map) {
      const entries = Object.entries((value ?? {}) as Record<string, unknown>);
      if (entries.length === 0) {
        if (shape === "req") out[name] = null;
        continue;
      }
      const map: Record<string, unknown> = {};
      for (const [key, entry] of entries) map[key] = elementToJson(field, entry);
      out[name] = map;
    } else if (field.repeated) {
      const list = (value ?? []) as unknown[];
      if (list.length === 0) {
        if (shape === "req") out[name] = null;
        continue;
      }
      out[name] = list.map((element) => elementToJson(field, element));
    } else if (field.resolvedType instanceof Type) {
      if (!present) {
        // A nil pointer without omitempty (`Selector *LabelSelector json:"selector"`) is null.
        if (shape === "req") out[name] = null;
        continue;
      }
      if (shape === "inline") Object.assign(out, messageToGoJson(field.resolvedType, value as Decoded));
      else out[name] = messageValueToJson(field.resolvedType, value as Decoded);
    } else if (shape === "ptr") {
      if (present) out[name] = scalarToJson(field, value);
    } else if (shape === "req") {
      out[name] = present ? scalarToJson(field, value) : zeroScalar(field);
    } else if (present && !isZeroScalar(value)) {
      out[name] = scalarToJson(field, value);
    }
  }
  return out;
}
