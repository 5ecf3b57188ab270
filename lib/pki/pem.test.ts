import { describe, expect, test } from "bun:test";
import { certificatesFromPem, pemDecode, pemEncode } from "./pem.ts";

describe("pem", () => {
  test("round-trips DER in 64-column lines", () => {
    const der = new Uint8Array(100).map((_, i) => i);
    const pem = pemEncode("CERTIFICATE", der);
    expect(pem.split("\n").every((l) => l.length <= 64)).toBe(true);
    expect(pemDecode(pem)).toEqual([{ label: "CERTIFICATE", der }]);
  });
  test("finds every block and skips text around them", () => {
    const text = `Bag Attributes\n${pemEncode("CERTIFICATE", new Uint8Array([1]))}junk\n${pemEncode("PRIVATE KEY", new Uint8Array([2]))}${pemEncode("CERTIFICATE", new Uint8Array([3]))}`;
    expect(pemDecode(text).map((b) => b.label)).toEqual(["CERTIFICATE", "PRIVATE KEY", "CERTIFICATE"]);
    expect(certificatesFromPem(text)).toEqual([new Uint8Array([1]), new Uint8Array([3])]);
  });
  test("rejects a block that is not base64, and finds nothing in plain text", () => {
    expect(() => pemDecode("-----BEGIN X-----\n@@@@\n-----END X-----\n")).toThrow(
      'PEM block "X" is not valid base64',
    );
    expect(pemDecode("hello")).toEqual([]);
  });
});
