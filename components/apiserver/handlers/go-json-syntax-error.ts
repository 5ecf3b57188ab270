// The error Go's encoding/json gives for a body that is not valid JSON, word for word
// (`invalid character 'a' looking for beginning of value`, `unexpected end of JSON input`), so
// decode errors read as kube-apiserver's. Upstream: go/src/encoding/json/scanner.go.

type Context = "top" | "object-key" | "object-value" | "array";

/** Go's quoteChar: the byte as a quoted character literal. */
export function goQuoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return "'\"'";
  const named: Record<number, string> = {
    7: "\\a",
    8: "\\b",
    9: "\\t",
    10: "\\n",
    11: "\\v",
    12: "\\f",
    13: "\\r",
  };
  if (named[c]) return `'${named[c]}'`;
  if (c === 0x5c) return "'\\\\'";
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, "0")}'`;
  // strconv.Quote(string(rune(c))): U+0080-U+009F, U+00A0 and U+00AD are not printable.
  if ((c >= 0x80 && c <= 0xa0) || c === 0xad) return `'\\u00${c.toString(16).padStart(2, "0")}'`;
  return `'${String.fromCharCode(c)}'`;
}

class Syntax extends Error {}

/** Go's maxNestingDepth. */
const MAX_NESTING_DEPTH = 10000;

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

/** Go's message for the first syntax error in `data`, or undefined when it is valid JSON. */
export function goJsonSyntaxError(data: Uint8Array): string | undefined {
  let i = 0;
  const fail = (what: string): never => {
    if (i >= data.length) throw new Syntax("unexpected end of JSON input");
    throw new Syntax(`invalid character ${goQuoteChar(data[i] as number)} ${what}`);
  };
  const skip = () => {
    while (i < data.length && isSpace(data[i] as number)) i++;
  };
  const literal = (word: string) => {
    for (let k = 1; k < word.length; k++) {
      i++;
      if (data[i] !== word.charCodeAt(k)) fail(`in literal ${word} (expecting '${word[k]}')`);
    }
    i++;
  };
  const string = () => {
    i++;
    for (;;) {
      const c = data[i];
      if (c === undefined) fail("");
      if (c === 0x22) {
        i++;
        return;
      }
      if ((c as number) < 0x20) fail("in string literal");
      if (c === 0x5c) {
        i++;
        const e = data[i];
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            i++;
            if (!isHex(data[i] ?? -1)) fail("in \\u hexadecimal character escape");
          }
        } else if (e === undefined || !'"\\/bfnrt'.includes(String.fromCharCode(e))) {
          fail("in string escape code");
        }
      }
      i++;
    }
  };
  const number = () => {
    if (data[i] === 0x2d) {
      i++;
      if (!isDigit(data[i] ?? -1)) fail("in numeric literal");
    }
    if (data[i] === 0x30) i++;
    else while (isDigit(data[i] ?? -1)) i++;
    if (data[i] === 0x2e) {
      i++;
      if (!isDigit(data[i] ?? -1)) fail("after decimal point in numeric literal");
      while (isDigit(data[i] ?? -1)) i++;
    }
    if (data[i] === 0x65 || data[i] === 0x45) {
      i++;
      if (data[i] === 0x2b || data[i] === 0x2d) i++;
      if (!isDigit(data[i] ?? -1)) fail("in exponent of numeric literal");
      while (isDigit(data[i] ?? -1)) i++;
    }
  };
  const afterValue = (context: Context) => {
    skip();
    const messages: Record<Context, string> = {
      top: "after top-level value",
      "object-key": "after object key",
      "object-value": "after object key:value pair",
      array: "after array element",
    };
    return messages[context];
  };
  let depth = 0;
  const value = (): void => {
    skip();
    const c = data[i];
    if ((c === 0x7b || c === 0x5b) && ++depth > MAX_NESTING_DEPTH) fail("exceeded max depth");
    if (c === 0x7b) {
      i++;
      skip();
      if (data[i] === 0x7d) {
        i++;
        depth--;
        return;
      }
      for (;;) {
        skip();
        if (data[i] !== 0x22) fail("looking for beginning of object key string");
        string();
        const afterKey = afterValue("object-key");
        if (data[i] !== 0x3a) fail(afterKey);
        i++;
        value();
        const afterPair = afterValue("object-value");
        if (data[i] === 0x2c) {
          i++;
          continue;
        }
        if (data[i] === 0x7d) {
          i++;
          depth--;
          return;
        }
        fail(afterPair);
      }
    }
    if (c === 0x5b) {
      i++;
      skip();
      if (data[i] === 0x5d) {
        i++;
        depth--;
        return;
      }
      for (;;) {
        value();
        const after = afterValue("array");
        if (data[i] === 0x2c) {
          i++;
          continue;
        }
        if (data[i] === 0x5d) {
          i++;
          depth--;
          return;
        }
        fail(after);
      }
    }
    if (c === 0x22) string();
    else if (c === 0x2d || isDigit(c ?? -1)) number();
    else if (c === 0x74) literal("true");
    else if (c === 0x66) literal("false");
    else if (c === 0x6e) literal("null");
    else fail("looking for beginning of value");
  };
  try {
    value();
    const after = afterValue("top");
    if (i < data.length) fail(after);
    return undefined;
  } catch (err) {
    if (err instanceof Syntax) return err.message;
    throw err;
  }
}
