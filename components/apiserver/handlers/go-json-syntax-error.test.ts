import { expect, test } from "bun:test";
import { goJsonSyntaxError, goQuoteChar } from "./go-json-syntax-error.ts";

const err = (text: string) => goJsonSyntaxError(new TextEncoder().encode(text));

test("valid JSON has no error", () => {
  for (const ok of ['{"a":[1,-2.5e+3,{"b":null}],"c":"d\\u00e9\\n"}', "[]", "{}", " 0 ", "true", '"x"']) {
    expect(err(ok)).toBeUndefined();
  }
});

test("each of Go's scanner messages, word for word", () => {
  const cases: [string, string][] = [
    ["apiVersion: v1\nkind: Pod", "invalid character 'a' looking for beginning of value"],
    ["", "unexpected end of JSON input"],
    ['{"a":', "unexpected end of JSON input"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', "invalid character '\"' after object key:value pair"],
    ["[1 2]", "invalid character '2' after array element"],
    ['{"a":1}}', "invalid character '}' after top-level value"],
    ["01", "invalid character '1' after top-level value"],
    ['{"a":tru}', "invalid character '}' in literal true (expecting 'e')"],
    ["nul", "unexpected end of JSON input"],
    ["fals3", "invalid character '3' in literal false (expecting 'e')"],
    ["-x", "invalid character 'x' in numeric literal"],
    ["1.x", "invalid character 'x' after decimal point in numeric literal"],
    ["1e+x", "invalid character 'x' in exponent of numeric literal"],
    ['"\\q"', "invalid character 'q' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ['"a\tb"', "invalid character '\\t' in string literal"],
    ["{a:1}", "invalid character 'a' looking for beginning of object key string"],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ["[1,]", "invalid character ']' looking for beginning of value"],
    ["'x'", "invalid character '\\'' looking for beginning of value"],
    ["\u00e9", "invalid character 'Ã' looking for beginning of value"],
  ];
  for (const [text, message] of cases) expect({ text, message: err(text) }).toEqual({ text, message });
});

test("nesting past Go's 10000 levels is an error, without exhausting the stack", () => {
  expect(err(`${"[".repeat(10000)}${"]".repeat(10000)}`)).toBeUndefined();
  expect(err(`${"[".repeat(10001)}${"]".repeat(10001)}`)).toBe("invalid character '[' exceeded max depth");
  expect(err('{"a":'.repeat(500_000))).toBe("invalid character '{' exceeded max depth");
});

test("goQuoteChar quotes as strconv.Quote does", () => {
  expect(goQuoteChar(0x41)).toBe("'A'");
  expect(goQuoteChar(0x0a)).toBe("'\\n'");
  expect(goQuoteChar(0x01)).toBe("'\\x01'");
  expect(goQuoteChar(0x5c)).toBe("'\\\\'");
  expect(goQuoteChar(0x85)).toBe("'\\u0085'");
});
