// JSON Patch (RFC 6902, application/json-patch+json) applied with fast-json-patch; every
// operation is checked first so failures carry the messages of evanphx/json-patch, which
// kube-apiserver uses (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go).

import { applyOperation, type Operation } from "fast-json-patch";
import { escapeToken, type PointerTarget, parseIndex, resolveParent } from "./json-pointer.ts";
import { cloneJson, isJsonObject, type JsonObject, type JsonValue, jsonEqual } from "./json-value.ts";
import { PatchError } from "./patch-error.ts";

/** kube-apiserver's maxJSONPatchOperations. */
const maxOperations = 10000;

type Kind = "add" | "remove" | "replace" | "move" | "copy" | "test";
const kinds = new Set<string>(["add", "remove", "replace", "move", "copy", "test"]);

/**
 * Applies an RFC 6902 patch to a copy of `obj`. Throws PatchError: 400 when the patch is not a
 * list of operations, 413 past 10000 operations, 422 when an operation does not apply.
 */
export function applyJsonPatch(obj: unknown, patch: unknown): unknown {
  // The patch is copied too: values it adds become part of the result and may be patched later.
  const operations = decodePatch(cloneJson(patch));
  if (operations.length > maxOperations) {
    throw new PatchError(
      "RequestEntityTooLarge",
      `Request entity too large: The allowed maximum operations in a JSON patch is ${maxOperations}, got ${operations.length}`,
    );
  }
  let doc = cloneJson(obj) as JsonValue;
  for (const operation of operations) doc = applyOne(doc, operation);
  return doc;
}

function decodePatch(patch: unknown): JsonObject[] {
  if (!Array.isArray(patch)) {
    throw PatchError.badRequest(
      `json: cannot unmarshal ${goKind(patch)} into Go value of type jsonpatch.Patch`,
    );
  }
  return patch.map((operation) => {
    if (operation === null) return {};
    if (!isJsonObject(operation)) {
      throw PatchError.badRequest(
        `json: cannot unmarshal ${goKind(operation)} into Go value of type jsonpatch.Operation`,
      );
    }
    return operation;
  });
}

function goKind(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  if (typeof value === "object") return "object";
  return typeof value === "boolean" ? "bool" : typeof value;
}

function applyOne(doc: JsonValue, raw: JsonObject): JsonValue {
  const kind = typeof raw.op === "string" ? raw.op : "unknown";
  if (!kinds.has(kind)) throw PatchError.invalid(`Unexpected kind: ${kind}`);
  const op = kind as Kind;
  const path = pointerField(raw, "path", op);
  const value = raw.value ?? null;
  switch (op) {
    case "add":
      return run(doc, { op, path: checkAdd(doc, path, `error in add for path: '${path}'`, op), value });
    case "remove":
      return run(doc, { op, path: checkRemove(doc, path) });
    case "replace":
      return run(doc, { op, path: checkReplace(doc, path), value });
    case "test":
      checkTest(doc, path, raw);
      return doc;
    case "move": {
      const from = pointerField(raw, "from", op);
      const source = checkSource(doc, from, op);
      const removed = run(cloneJson(doc), { op: "remove", path: source });
      checkAdd(removed, path, `error in move for path: '${path}'`, op, "destination ");
      return run(doc, { op, from: source, path: normalizedAddPath(removed, path) });
    }
    case "copy": {
      const from = pointerField(raw, "from", op);
      const source = checkSource(doc, from, op);
      const target = checkAdd(doc, path, "error while adding value during copy", op, "destination ");
      return run(doc, { op, from: source, path: target });
    }
  }
}

function run(doc: JsonValue, operation: Operation): JsonValue {
  try {
    return applyOperation(doc, operation, false, true).newDocument;
  } catch (error) {
    throw PatchError.invalid(error instanceof Error ? error.message : String(error));
  }
}

function pointerField(raw: JsonObject, field: "path" | "from", op: Kind): string {
  const value = raw[field];
  if (typeof value === "string") return value;
  if (field === "from") {
    throw PatchError.invalid(
      `${op} operation failed to decode from: operation, missing from field: missing value`,
    );
  }
  const detail = op === "add" || op === "remove" ? "" : "operation missing path field: ";
  throw PatchError.invalid(`${op} operation failed to decode path: ${detail}missing value`);
}

function missing(message: string): PatchError {
  return PatchError.invalid(`${message}: missing value`);
}

function invalidIndex(prefix: string, index: number): PatchError {
  return PatchError.invalid(`${prefix}: Unable to access invalid index: ${index}: invalid index referenced`);
}

/** Rewrites the last token of a pointer, e.g. a negative array index to its positive form. */
function withLastToken(path: string, token: string): string {
  return `${path.slice(0, path.lastIndexOf("/"))}/${escapeToken(token)}`;
}

function normalizedAddPath(doc: JsonValue, path: string): string {
  const target = resolveParent(doc, path);
  if (!target || !Array.isArray(target.container) || target.key === "-") return path;
  const index = parseIndex(target.key) ?? 0;
  return withLastToken(path, String(index < 0 ? index + target.container.length + 1 : index));
}

/** Validates an add (or the adding half of move/copy) and returns the path to apply. */
function checkAdd(doc: JsonValue, path: string, errorPrefix: string, op: Kind, which = ""): string {
  const target = resolveParent(doc, path);
  if (!target) {
    const quoted = op === "add" ? `"${path}"` : path;
    throw missing(`${op} operation does not apply: doc is missing ${which}path: ${quoted}`);
  }
  if (!Array.isArray(target.container) || target.key === "-") return path;
  const index = parseIndex(target.key);
  if (index === undefined) {
    throw PatchError.invalid(
      `${errorPrefix}: value was not a proper array index: '${target.key}': strconv.Atoi: parsing "${target.key}": invalid syntax`,
    );
  }
  const size = target.container.length + 1;
  if (index >= size || index < -size) throw invalidIndex(errorPrefix, index);
  return withLastToken(path, String(index < 0 ? index + size : index));
}

/** Resolves an existing member for remove/replace/move/copy/test; undefined if the key is absent. */
function existingIndex(target: PointerTarget, prefix: string, allowNegative: boolean): string | undefined {
  if (!Array.isArray(target.container)) {
    return Object.hasOwn(target.container, target.key) ? target.key : undefined;
  }
  const index = parseIndex(target.key);
  if (index === undefined) {
    throw PatchError.invalid(`${prefix}: strconv.Atoi: parsing "${target.key}": invalid syntax`);
  }
  const size = target.container.length;
  if (index >= size || (allowNegative ? index < -size : index < 0)) throw invalidIndex(prefix, index);
  return String(index < 0 ? index + size : index);
}

function checkRemove(doc: JsonValue, path: string): string {
  const target = resolveParent(doc, path);
  if (!target) throw missing(`remove operation does not apply: doc is missing path: "${path}"`);
  const prefix = `error in remove for path: '${path}'`;
  const key = existingIndex(target, prefix, true);
  if (key === undefined) throw missing(`${prefix}: Unable to remove nonexistent key: ${target.key}`);
  return withLastToken(path, key);
}

function checkReplace(doc: JsonValue, path: string): string {
  const target = resolveParent(doc, path);
  if (!target) throw missing(`replace operation does not apply: doc is missing path: ${path}`);
  const notFound = missing(`replace operation does not apply: doc is missing key: ${path}`);
  let key: string | undefined;
  try {
    key = existingIndex(target, "", false);
  } catch {
    throw notFound;
  }
  if (key === undefined) throw notFound;
  return withLastToken(path, key);
}

function checkSource(doc: JsonValue, from: string, op: "move" | "copy"): string {
  const target = resolveParent(doc, from);
  if (!target) throw missing(`${op} operation does not apply: doc is missing from path: ${from}`);
  const prefix =
    op === "move" ? `error in move for path: '${target.key}'` : `error in copy for from: '${from}'`;
  const key = existingIndex(target, prefix, op === "move");
  if (key === undefined) {
    if (op === "move") throw missing(`${prefix}: Unable to remove nonexistent key: ${target.key}`);
    throw missing(`copy operation does not apply: doc is missing from path: ${from}`);
  }
  return withLastToken(from, key);
}

function member(container: JsonObject | JsonValue[], key: string): JsonValue | undefined {
  return Array.isArray(container) ? container[Number(key)] : container[key];
}

function checkTest(doc: JsonValue, path: string, raw: JsonObject): void {
  const target = resolveParent(doc, path);
  if (!target) throw missing(`test operation does not apply: is missing path: ${path}`);
  const key = existingIndex(target, `error in test for path: '${path}'`, false);
  const expected = raw.value ?? null;
  const actual = key === undefined ? undefined : member(target.container, key);
  // evanphx/json-patch: an absent member equals a null (or missing) test value.
  if (actual === undefined || actual === null) {
    if (expected === null) return;
  } else if (jsonEqual(actual, expected)) {
    return;
  }
  throw PatchError.invalid(`testing value ${path} failed: test failed`);
}
