// jsonDepthError: a linear scan that refuses JSON nested deeper than Go's decoder allows
// (encoding/json and sigs.k8s.io/json: maxNestingDepth 10000), before JSON.parse spends
// seconds on a hostile body. A native regex jumps from one bracket or quote to the next, so a
// 3 MiB string value costs a few milliseconds. Upstream: encoding/json scanner.go pushParseState.

export const MAX_JSON_DEPTH = 10_000;
/**
 * The deepest object kube stores: a list wraps each item two levels down (`{"items":[...]}`),
 * so anything deeper would make every Go client's list fail with "exceeded max depth".
 */
export const MAX_OBJECT_DEPTH = MAX_JSON_DEPTH - 2;

/** Go's error for the first `{` or `[` past `max` levels, or undefined. Strings are skipped. */
export function jsonDepthError(text: string, max = MAX_JSON_DEPTH): string | undefined {
  // Each level opens with a character of its own: text no longer than `max` cannot nest deeper
  // (most bodies; the scan was 2-3% of a small create's profile).
  if (text.length <= max) return undefined;
  const structural = /[[\]{}"]/g;
  const stringEnd = /["\\]/g;
  let depth = 0;
  for (let m = structural.exec(text); m !== null; m = structural.exec(text)) {
    const c = m[0];
    if (c === '"') {
      // Skip to the closing quote, past escapes.
      stringEnd.lastIndex = structural.lastIndex;
      for (let e = stringEnd.exec(text); e !== null; e = stringEnd.exec(text)) {
        if (e[0] === "\\") stringEnd.lastIndex++;
        else break;
      }
      if (stringEnd.lastIndex === 0) return undefined;
      structural.lastIndex = stringEnd.lastIndex;
    } else if (c === "{" || c === "[") {
      if (++depth > max) return `invalid character '${c}' exceeded max depth`;
    } else depth--;
  }
  return undefined;
}

/** The same error for a parsed value nested deeper than `max` (a patch can deepen an object). */
export function valueDepthError(value: unknown, max = MAX_OBJECT_DEPTH): string | undefined {
  const stack: [unknown, number][] = [[value, 1]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [v, depth] = next;
    if (v === null || typeof v !== "object") continue;
    if (depth > max) return `invalid character '${Array.isArray(v) ? "[" : "{"}' exceeded max depth`;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
    }
  }
  return undefined;
}
