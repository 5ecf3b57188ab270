import { describe, expect, test } from "bun:test";
import { unknownMethodVerdict } from "./unknown-method.ts";

const verdict = (s: string) => {
  const v = unknownMethodVerdict(new TextEncoder().encode(s));
  return typeof v === "string" ? v : new TextDecoder().decode(v).split("\r\n")[0];
};

describe("unknownMethodVerdict", () => {
  test("methods kube serves pass, split or whole", () => {
    for (const m of ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
      expect(verdict(`${m} / HTTP/1.1\r\n`)).toBe("pass");
    expect(verdict("")).toBe("wait");
    expect(verdict("PA")).toBe("wait");
  });

  test("a well-formed method Bun does not parse is answered 405", () => {
    for (const m of ["FOO", "get", "BREW", "PROPFIND", "X-CUSTOM"])
      expect(verdict(`${m} /api HTTP/1.1\r\n`)).toBe("HTTP/1.1 405 Method Not Allowed");
  });

  test("what is not a method is left to the HTTP parser to refuse", () => {
    expect(verdict("G(T / HTTP/1.1\r\n")).toBe("pass");
    expect(verdict(" GET / HTTP/1.1\r\n")).toBe("pass");
    expect(verdict("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")).toBe("pass");
    expect(verdict("A".repeat(33))).toBe("pass");
    expect(verdict(`${"A".repeat(40)} / HTTP/1.1\r\n`)).toBe("pass");
  });
});
