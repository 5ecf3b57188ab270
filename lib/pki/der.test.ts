import { describe, expect, test } from "bun:test";
import { children, namedBits, oid, sequence, smallInteger, time, unsignedInteger } from "./der.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("DER", () => {
  test("integers are minimal and positive", () => {
    expect(hex(smallInteger(2))).toBe("020102");
    expect(hex(unsignedInteger(Uint8Array.of(0, 0, 0x7f)))).toBe("02017f");
    expect(hex(unsignedInteger(Uint8Array.of(0x80)))).toBe("02020080");
    expect(hex(unsignedInteger(Uint8Array.of(0)))).toBe("020100");
  });
  test("object identifiers", () => {
    expect(hex(oid("2.5.4.3"))).toBe("0603550403");
    expect(hex(oid("1.2.840.10045.4.3.2"))).toBe("06082a8648ce3d040302");
  });
  test("named bit strings drop trailing zero bits (KeyUsage)", () => {
    expect(hex(namedBits([0, 2]))).toBe("030205a0");
    expect(hex(namedBits([0, 2, 5]))).toBe("030202a4");
    expect(hex(namedBits([8]))).toBe("0303070080");
  });
  test("UTCTime until 2049, GeneralizedTime from 2050", () => {
    expect(
      Buffer.from(time(new Date("2026-01-02T03:04:05.678Z")))
        .subarray(2)
        .toString(),
    ).toBe("260102030405Z");
    expect(
      Buffer.from(time(new Date("2050-01-01T00:00:00Z")))
        .subarray(2)
        .toString(),
    ).toBe("20500101000000Z");
    expect(time(new Date("2050-01-01T00:00:00Z"))[0]).toBe(0x18);
  });
  test("long lengths and reading back", () => {
    const big = new Uint8Array(300);
    const seq = sequence(smallInteger(1), sequence(big));
    // 3 bytes of INTEGER + 4 of header + 300 = 307 = 0x0133: two length bytes.
    expect(hex(seq.subarray(0, 4))).toBe("30820133");
    expect(seq.length).toBe(4 + 307);
    const [outer] = children(seq);
    const inner = children(outer?.body ?? new Uint8Array());
    expect(inner.map((e) => e.tag)).toEqual([0x02, 0x30]);
    expect(inner[1]?.body.length).toBe(300);
    expect(() => children(Uint8Array.of(0x30, 0x05, 0x00))).toThrow("DER: element runs past the end");
  });
});
