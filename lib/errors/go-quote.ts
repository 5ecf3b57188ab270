// Go's %q of a string (strconv.Quote), which upstream's error messages use for names:
// `configmaps "a\"b" not found`, and the unicode.IsPrint it rests on: printable runes stay as
// they are, the rest are escaped.

const SHORT: Record<string, string> = {
  "\x07": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\v": "\\v",
  '"': '\\"',
  "\\": "\\\\",
};

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's unicode.IsPrint of one character (a code point; a lone surrogate is not printable). */
export function isPrint(ch: string): boolean {
  return PRINTABLE.test(ch);
}

/** `s` quoted as Go's strconv.Quote (a lone surrogate counts as the U+FFFD Go would decode). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const short = SHORT[ch];
    if (short) {
      out += short;
      continue;
    }
    const cp = ch.codePointAt(0) ?? 0xfffd;
    if (cp >= 0xd800 && cp <= 0xdfff) out += "\ufffd";
    else if (isPrint(ch)) out += ch;
    else if (cp < 0x80) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return `${out}"`;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
