// rtnetlink encoding without the kernel: headers, attribute padding, byte orders, and the parsing
// of acks, errors and a link answer; bad input refused before anything is sent.
import { expect, test } from "bun:test";
import {
  attr,
  defaultRouteMessage,
  linkUpMessage,
  message,
  NLMSG_ERROR,
  newAddressMessage,
  parseReplies,
  RTM_NEWLINK,
} from "./netlink-messages.ts";

test("attributes are padded to 4 bytes with the unpadded length in the header", () => {
  const a = attr(3, new TextEncoder().encode("eth0\0"));
  expect([...a]).toEqual([9, 0, 3, 0, 101, 116, 104, 48, 0, 0, 0, 0]);
});

test("a link-up request: nlmsghdr, ifinfomsg with IFF_UP in flags and change, the name", () => {
  const m = linkUpMessage(7, "lo");
  const view = new DataView(m.buffer);
  expect(view.getUint32(0, true)).toBe(m.length);
  expect(m.length).toBe(16 + 16 + 8);
  expect(view.getUint16(4, true)).toBe(RTM_NEWLINK);
  expect(view.getUint16(6, true)).toBe(0x1 | 0x4);
  expect(view.getUint32(8, true)).toBe(7);
  expect(view.getUint32(24, true)).toBe(1);
  expect(view.getUint32(28, true)).toBe(1);
});

test("addresses go in network byte order; malformed ones and prefixes are refused", () => {
  const m = newAddressMessage(1, 5, "10.88.3.7", 24);
  expect([...m.subarray(16, 24)]).toEqual([2, 24, 0, 0, 5, 0, 0, 0]);
  expect([...m.subarray(28, 32)]).toEqual([10, 88, 3, 7]);
  expect(() => newAddressMessage(1, 5, "10.88.3.300", 24)).toThrow('invalid IPv4 address "10.88.3.300"');
  expect(() => newAddressMessage(1, 5, "10.88.3.7", 33)).toThrow("invalid prefix length 33");
  const route = defaultRouteMessage(2, 5, "10.88.3.1");
  expect([...route.subarray(16, 28)]).toEqual([2, 0, 0, 0, 254, 3, 0, 1, 0, 0, 0, 0]);
  expect([...route.subarray(32, 36)]).toEqual([10, 88, 3, 1]);
});

test("answers: an ack, an error with its errno, a link with its index; truncation throws", () => {
  const error = message(NLMSG_ERROR, 0, 9, [new Uint8Array([0xef, 0xff, 0xff, 0xff])]); // -17
  const ack = message(NLMSG_ERROR, 0, 10, [new Uint8Array(4)]);
  const link = message(RTM_NEWLINK, 0, 11, [
    new Uint8Array([0, 0, 0, 0, 42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
  ]);
  const both = new Uint8Array([...error, ...ack, ...link]);
  expect(parseReplies(both)).toEqual([
    { type: NLMSG_ERROR, seq: 9, error: -17 },
    { type: NLMSG_ERROR, seq: 10, error: 0 },
    { type: RTM_NEWLINK, seq: 11, index: 42 },
  ]);
  expect(() => parseReplies(both.subarray(0, both.length - 4))).toThrow("truncated netlink message");
});
