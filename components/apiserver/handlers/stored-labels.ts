// A label-selected list of stored forms (JSON or Table) tested on the stored bytes: each object's
// labels are read from its metadata once per stored revision and kept, instead of the whole object
// parsed on every list (upstream's cacher filters its decoded objects the same way).
import { parseFieldSelector } from "../../../lib/fields/selector.ts";
import { matches, parseSelector } from "../../../lib/labels/selector.ts";
import type { Scope } from "../registry/store.ts";

/** Stored JSON written by encodeObject begins with this; metadata's object starts at its last byte. */
const STORED = Buffer.from('{"metadata":{');
const OPEN = STORED.length - 1;
const decoder = new TextDecoder();
/** Per stored value (immutable for its revision): its labels, null for none. */
const cache = new WeakMap<Uint8Array, Record<string, string> | null>();

/**
 * `scope` (selectionScope's, which has validated the selectors) with a label selector alone decided
 * by an exact byte-level check, so a list of stored forms decodes no object; otherwise `scope`.
 */
export function labelOnlyScope(scope: Scope, url: URL): Scope {
  if (!scope.filter || parseFieldSelector(url.searchParams.get("fieldSelector") ?? "").length > 0)
    return scope;
  const labels = parseSelector(url.searchParams.get("labelSelector") ?? "");
  const needles = scope.prefilter;
  return {
    namespace: scope.namespace,
    filtered: true,
    prefilter: (value) => (!needles || needles(value)) && matches(labels, storedLabels(value)),
  };
}

/** The labels of a stored object. */
export function storedLabels(value: Uint8Array): Record<string, string> | undefined {
  let labels = cache.get(value);
  if (labels === undefined) {
    const end = hasStoredLayout(value) ? metadataEnd(value) : -1;
    const meta =
      end > 0
        ? (JSON.parse(decoder.decode(value.subarray(OPEN, end))) as {
            labels?: Record<string, string>;
          } | null)
        : (JSON.parse(decoder.decode(value)) as { metadata?: { labels?: Record<string, string> } } | null)
            ?.metadata;
    labels = meta?.labels ?? null;
    cache.set(value, labels);
  }
  return labels ?? undefined;
}

function hasStoredLayout(value: Uint8Array): boolean {
  if (value.length <= STORED.length) return false;
  for (let i = 0; i < STORED.length; i++) if (value[i] !== STORED[i]) return false;
  return true;
}

/** The index after metadata's closing brace, or -1 (strings skipped; UTF-8 never holds " \ { } in a sequence). */
function metadataEnd(value: Uint8Array): number {
  let depth = 0;
  let inString = false;
  for (let i = OPEN; i < value.length; i++) {
    const c = value[i] as number;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b) depth++;
    else if (c === 0x7d && --depth === 0) return i + 1;
  }
  return -1;
}
