// The reverse of message-to-go-json: builds the message Go's protobuf marshaller would write for a
// JSON object. Go writes every non-pointer field, zero or not, so those are always set here.
import { type Field, Type } from "protobufjs";
import { parseGoDuration } from "./go-duration.ts";
import { goFieldShape, isGoListMessage, jsonFieldName, specialMessages } from "./go-json-shape.ts";
import { parseGoTime } from "./go-time.ts";

type Json = Record<string, unknown>;

function fail(path: string, expected: string, value: unknown): never {
  throw new TypeError(`${path}: expected ${expected}, got ${JSON.stringify(value)}`);
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const utf8 = new TextEncoder();

function scalarFromJson(field: Field, value: unknown, path: string): unknown {
  switch (field.type) {
    case "string":
      return typeof value === "string" ? value : fail(path, "a string", value);
    case "bool":
      return typeof value === "boolean" ? value : fail(path, "a boolean", value);
    case "bytes":
      return typeof value === "string"
        ? new Uint8Array(Buffer.from(value, "base64"))
        : fail(path, "base64", value);
    default:
      return typeof value === "number" && Number.isInteger(value) ? value : fail(path, "an integer", value);
  }
}

function zeroScalar(field: Field): unknown {
  switch (field.type) {
    case "string":
      return "";
    case "bool":
      return false;
    case "bytes":
      return new Uint8Array();
    default:
      return 0;
  }
}

/** The message for one JSON value of a type with a custom JSON form, or of an ordinary struct. */
function messageValueFromJson(type: Type, value: unknown, path: string): Json {
  switch (type.fullName) {
    case specialMessages.time:
    case specialMessages.microTime: {
      if (value === null) return {};
      const time = typeof value === "string" ? parseGoTime(value) : undefined;
      return time ? { seconds: time.seconds, nanos: time.nanos } : fail(path, "an RFC3339 time", value);
    }
    case specialMessages.duration: {
      const duration = typeof value === "string" ? parseGoDuration(value) : undefined;
      return { duration: Number(duration ?? fail(path, "a duration", value)) };
    }
    case specialMessages.quantity:
      return typeof value === "string" ? { string: value } : { string: String(value ?? "0") };
    case specialMessages.intOrString:
      if (typeof value === "string") return { type: 1, intVal: 0, strVal: value };
      if (typeof value === "number" && Number.isInteger(value)) return { type: 0, intVal: value, strVal: "" };
      return fail(path, "an integer or a string", value);
    case specialMessages.rawExtension:
      return value === null ? {} : { raw: utf8.encode(JSON.stringify(value)) };
    case specialMessages.fieldsV1:
      return value === null ? {} : { Raw: utf8.encode(JSON.stringify(value)) };
  }
  if (isGoListMessage(type)) {
    if (value === null) return {};
    return Array.isArray(value) ? { items: value } : fail(path, "a list", value);
  }
  return isObject(value) ? goJsonToMessage(type, value, path) : fail(path, "an object", value);
}

function elementFromJson(field: Field, value: unknown, path: string): unknown {
  const type = field.resolvedType;
  return type instanceof Type ? messageValueFromJson(type, value, path) : scalarFromJson(field, value, path);
}

/** The protobufjs message object for a Go-style JSON object of the given type. */
export function goJsonToMessage(type: Type, json: Json, path = ""): Json {
  const message: Json = {};
  for (const field of type.fieldsArray) {
    const shape = goFieldShape(field);
    const name = jsonFieldName(field);
    const fieldPath = path ? `${path}.${name}` : name;
    const value = json[name];
    if (field.resolvedType instanceof Type && shape === "inline") {
      message[field.name] = goJsonToMessage(field.resolvedType, json, path);
    } else if (field.map) {
      if (value === undefined || value === null) continue;
      if (!isObject(value)) fail(fieldPath, "an object", value);
      // Go writes map entries sorted by key.
      const map: Json = {};
      for (const key of Object.keys(value).sort()) {
        map[key] = elementFromJson(field, value[key], `${fieldPath}[${key}]`);
      }
      message[field.name] = map;
    } else if (field.repeated) {
      if (value === undefined || value === null) continue;
      if (!Array.isArray(value)) fail(fieldPath, "a list", value);
      message[field.name] = value.map((element, i) => elementFromJson(field, element, `${fieldPath}[${i}]`));
    } else if (field.resolvedType instanceof Type) {
      if (value === undefined) continue;
      const isTime =
        field.resolvedType.fullName === specialMessages.time ||
        field.resolvedType.fullName === specialMessages.microTime;
      if (value === null && !isTime) continue;
      message[field.name] = messageValueFromJson(field.resolvedType, value, fieldPath);
    } else if (shape === "ptr") {
      if (value !== undefined && value !== null)
        message[field.name] = scalarFromJson(field, value, fieldPath);
    } else {
      message[field.name] =
        value === undefined || value === null ? zeroScalar(field) : scalarFromJson(field, value, fieldPath);
    }
  }
  return message;
}
