// goQuote against strconv.Quote's outputs (Go 1.22: fmt.Sprintf("%q", s)) and isPrint against
// unicode.IsPrint.
import { expect, test } from "bun:test";
import { goQuote, isPrint } from "./go-quote.ts";

test("printable text stays, quotes and backslashes are escaped", () => {
  expect(goQuote("web")).toBe('"web"');
  expect(goQuote("")).toBe('""');
  expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
  expect(goQuote("héllo wörld ☃ 😀")).toBe('"héllo wörld ☃ 😀"');
});

test("control characters as Go writes them: short escapes, then \\x, \\u and \\U", () => {
  expect(goQuote("\x07\b\f\n\r\t\v")).toBe('"\\a\\b\\f\\n\\r\\t\\v"');
  expect(goQuote("a\x00b\x1bc\x7f")).toBe('"a\\x00b\\x1bc\\x7f"');
  // Non-ASCII spaces and separators are not printable for Go (only U+0020 is).
  expect(goQuote("a\u00a0b\u2028c\u200bd")).toBe('"a\\u00a0b\\u2028c\\u200bd"');
  expect(goQuote("\u{e0001}")).toBe('"\\U000e0001"');
  expect(goQuote("x\ud800y")).toBe('"x\ufffdy"');
});

test("isPrint: letters, marks, numbers, punctuation, symbols and the ASCII space", () => {
  for (const ch of ["a", "Z", "0", "-", "_", "/", " ", "é", "☃", "😀", "\u0301"])
    expect(isPrint(ch)).toBe(true);
  for (const ch of ["\x00", "\t", "\n", "\x7f", "\u00a0", "\u2028", "\u200b", "\ufeff"])
    expect(isPrint(ch)).toBe(false);
});
