// servedObjectJson: an object's JSON as a GET serves it (JSON.stringify of present(decodeObject(kv)):
// apiVersion and kind first, metadata with its resourceVersion last, the other members in stored
// order), spliced from the stored text by one scan, without a parse and a stringify. Stored text
// is JSON.stringify's own (encoded-object.ts), so the splice is byte for byte what they give.

const decoder = new TextDecoder();
const QUOTE = 34; // "
const BACKSLASH = 92;
const OPEN_OBJECT = 123; // {
const CLOSE_OBJECT = 125; // }
const OPEN_ARRAY = 91; // [
const CLOSE_ARRAY = 93; // ]
const COLON = 58;
const COMMA = 44;

/** A member of a JSON object: its key's text (quotes included) and where its value lies. */
interface Member {
  key: string;
  valueStart: number;
  valueEnd: number;
}

/** The index just past the string whose opening quote is at `at`. */
function stringEnd(text: string, at: number): number {
  for (let i = at + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  return -1;
}

/** The index just past the value starting at `at` (no whitespace: stringify's layout). */
function valueEnd(text: string, at: number): number {
  const first = text.charCodeAt(at);
  if (first === QUOTE) return stringEnd(text, at);
  if (first !== OPEN_OBJECT && first !== OPEN_ARRAY) {
    let i = at;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === COMMA || c === CLOSE_OBJECT || c === CLOSE_ARRAY) break;
    }
    return i;
  }
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i) - 1;
      if (i < 0) return -1;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
    else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (--depth === 0) return i + 1;
    }
  }
  return -1;
}

/** The members of the object at `at` and the index past it; undefined when the text is not stringify's. */
function members(text: string, at: number): { list: Member[]; end: number } | undefined {
  if (text.charCodeAt(at) !== OPEN_OBJECT) return undefined;
  const list: Member[] = [];
  let i = at + 1;
  if (text.charCodeAt(i) === CLOSE_OBJECT) return { list, end: i + 1 };
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return undefined;
    const keyEnd = stringEnd(text, i);
    if (keyEnd < 0 || text.charCodeAt(keyEnd) !== COLON) return undefined;
    const end = valueEnd(text, keyEnd + 1);
    if (end < 0) return undefined;
    list.push({ key: text.slice(i, keyEnd), valueStart: keyEnd + 1, valueEnd: end });
    const next = text.charCodeAt(end);
    if (next === CLOSE_OBJECT) return { list, end: end + 1 };
    if (next !== COMMA) return undefined;
    i = end + 1;
  }
}

/**
 * The served JSON of stored `value` at `revision`, or undefined when the text's layout is not
 * the one stored objects have (metadata first, holding no resourceVersion; no repeated member).
 */
export function servedObjectJson(
  value: Uint8Array,
  revision: number,
  apiVersion: string,
  kind: string,
): string | undefined {
  const text = decoder.decode(value);
  const top = members(text, 0);
  if (!top || top.end !== text.length) return undefined;
  const [first] = top.list;
  if (first?.key !== '"metadata"') return undefined;
  const meta = members(text, first.valueStart);
  if (!meta || meta.list.some((m) => m.key === '"resourceVersion"')) return undefined;
  if (new Set(meta.list.map((m) => m.key)).size !== meta.list.length) return undefined;
  const version = `"resourceVersion":${JSON.stringify(String(revision))}}`;
  const metaText = text.slice(first.valueStart, first.valueEnd - 1);
  let out = `{"apiVersion":${JSON.stringify(apiVersion)},"kind":${JSON.stringify(kind)},"metadata":${metaText}${meta.list.length ? "," : ""}${version}`;
  const seen = new Set<string>();
  for (let i = 1; i < top.list.length; i++) {
    const m = top.list[i] as Member;
    if (seen.has(m.key) || m.key === '"metadata"') return undefined;
    seen.add(m.key);
    if (m.key === '"apiVersion"' || m.key === '"kind"') continue;
    out += `,${m.key}:${text.slice(m.valueStart, m.valueEnd)}`;
  }
  return `${out}}`;
}
