// jsonDepthError: a linear scan that refuses JSON nested deeper than Go's decoder allows
// (encoding/json and sigs.k8s.io/json: maxNestingDepth 10000), before JSON.parse spends
// seconds on a hostile body. Upstream: encoding/json scanner.go pushParseState.

export const MAX_JSON_DEPTH = 10_000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** Go's error for the first `{` or `[` past `max` levels, or undefined. Strings are skipped. */
export function jsonDepthError(body: Uint8Array | string, max = MAX_JSON_DEPTH): string | undefined {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return `invalid character '${String.fromCharCode(c)}' exceeded max depth`;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return undefined;
}
