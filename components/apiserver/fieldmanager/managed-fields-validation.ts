// The field manager checks of apimachinery's meta/v1 validation: ValidateFieldManager (the
// fieldManager option and every managedFields entry's manager: at most 128 bytes, printable
// runes only) and ValidateManagedFields (operation Apply or Update, subresource length).
import { goQuote, isPrint } from "../../../lib/errors/go-quote.ts";
import type { StatusCause } from "../../../lib/errors/status-error.ts";

const FIELD_MANAGER_MAX_BYTES = 128;
const SUBRESOURCE_MAX_BYTES = 256;
const utf8Length = (s: string) => Buffer.byteLength(s, "utf8");
/** Printable ASCII (U+0020-U+007E, each printable for Go's unicode.IsPrint), one byte a rune. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * ValidateFieldManager: at most 128 bytes, and every rune printable (unicode.IsPrint), each
 * other one a cause naming it as Go's %#U and its byte offset.
 */
export function fieldManagerCauses(manager: string, field: string): StatusCause[] {
  // Every manager name a client sends (checked on every write, for each managedFields entry).
  if (manager.length <= FIELD_MANAGER_MAX_BYTES && PRINTABLE_ASCII.test(manager)) return [];
  const causes: StatusCause[] = [];
  if (utf8Length(manager) > FIELD_MANAGER_MAX_BYTES)
    causes.push({
      reason: "FieldValueTooLong",
      message: `Too long: may not be more than ${FIELD_MANAGER_MAX_BYTES} bytes`,
      field,
    });
  let offset = 0;
  for (const ch of manager) {
    const cp = ch.codePointAt(0) ?? 0;
    if (!isPrint(ch))
      causes.push({
        reason: "FieldValueInvalid",
        message: `Invalid value: ${goQuote(manager)}: invalid character U+${cp.toString(16).toUpperCase().padStart(4, "0")} (at position ${offset})`,
        field,
      });
    offset += utf8Length(ch);
  }
  return causes;
}

/**
 * ValidateManagedFields over metadata.managedFields as the request sent it (entries that are
 * not objects are the decoder's to refuse): each entry's operation, manager and subresource.
 */
export function managedFieldsCauses(managedFields: unknown): StatusCause[] {
  if (!Array.isArray(managedFields)) return [];
  const causes: StatusCause[] = [];
  managedFields.forEach((entry: unknown, i) => {
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return;
    const { operation, manager, subresource } = entry as Record<string, unknown>;
    const path = `metadata.managedFields[${i}]`;
    if (operation !== "Apply" && operation !== "Update")
      causes.push({
        reason: "FieldValueInvalid",
        message: `Invalid value: ${goQuote(typeof operation === "string" ? operation : "")}: must be \`Apply\` or \`Update\``,
        field: `${path}.operation`,
      });
    if (typeof manager === "string") causes.push(...fieldManagerCauses(manager, `${path}.manager`));
    if (typeof subresource === "string" && utf8Length(subresource) > SUBRESOURCE_MAX_BYTES)
      causes.push({
        reason: "FieldValueTooLong",
        message: `Too long: may not be more than ${SUBRESOURCE_MAX_BYTES} bytes`,
        field: `${path}.subresource`,
      });
  });
  return causes;
}
