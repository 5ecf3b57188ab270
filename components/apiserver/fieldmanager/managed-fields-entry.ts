// ManagedFieldsEntry: one manager's record in metadata.managedFields (meta/v1
// ManagedFieldsEntry), read from and written back to plain JSON objects.

import { isJsonObject, type JsonObject, type JsonValue } from "../patch/json-value.ts";
import { FieldSet } from "./field-set.ts";

export type ManagedFieldsOperation = "Apply" | "Update";

export interface ManagedFieldsEntry {
  manager: string;
  operation: ManagedFieldsOperation;
  apiVersion: string;
  time: string;
  fieldsType: "FieldsV1";
  fieldsV1: JsonObject;
  subresource?: string;
}

/** Server-side timestamps: RFC 3339 in UTC with second precision, as metav1.Time marshals. */
export function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** The entries of an object's metadata.managedFields; malformed entries are skipped. */
export function readManagedFields(obj: JsonObject | undefined): ManagedFieldsEntry[] {
  const metadata = obj?.metadata;
  const list = isJsonObject(metadata) ? metadata.managedFields : undefined;
  if (!Array.isArray(list)) return [];
  return list.filter(isJsonObject).flatMap((entry): ManagedFieldsEntry[] => {
    const { manager, operation, apiVersion, time, fieldsV1, subresource } = entry;
    if (typeof manager !== "string" || (operation !== "Apply" && operation !== "Update")) return [];
    const result: ManagedFieldsEntry = {
      manager,
      operation,
      apiVersion: typeof apiVersion === "string" ? apiVersion : "",
      time: typeof time === "string" ? time : "",
      fieldsType: "FieldsV1",
      fieldsV1: isJsonObject(fieldsV1) ? fieldsV1 : {},
    };
    if (typeof subresource === "string" && subresource !== "") result.subresource = subresource;
    return [result];
  });
}

export function entryFields(entry: ManagedFieldsEntry): FieldSet {
  return FieldSet.fromFieldsV1(entry.fieldsV1);
}

/** A shallow copy of obj without metadata.managedFields (neither obj nor its metadata change). */
export function withoutManagedFields(obj: JsonObject): JsonObject {
  if (!isJsonObject(obj.metadata) || !Object.hasOwn(obj.metadata, "managedFields")) return obj;
  const { managedFields: _, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/**
 * Sets obj.metadata.managedFields to the entries (none removes the field). obj is mutated, but its
 * metadata object is replaced by a copy, so objects sharing the old metadata are not affected.
 */
export function writeManagedFields(obj: JsonObject, entries: readonly ManagedFieldsEntry[]): void {
  const metadata: JsonObject = isJsonObject(obj.metadata) ? { ...obj.metadata } : {};
  obj.metadata = metadata;
  if (entries.length === 0) {
    delete metadata.managedFields;
    return;
  }
  metadata.managedFields = entries.map((entry) => {
    const json: JsonObject = {
      manager: entry.manager,
      operation: entry.operation,
      apiVersion: entry.apiVersion,
      time: entry.time,
      fieldsType: entry.fieldsType,
      fieldsV1: entry.fieldsV1,
    };
    if (entry.subresource !== undefined) json.subresource = entry.subresource;
    return json as JsonValue;
  });
}
