import { describe, expect, test } from "bun:test";
import { newPeerTableBuffers, PeerTableReader, PeerTableWriter } from "./peer-table.ts";
import type { TlsPeer } from "./tls-front.ts";

const der = (n: number, size = 700) => new Uint8Array(size).map((_, i) => (i * 31 + n) % 256);

describe("peer table", () => {
  test("a connection's peer is readable from the other side until it closes; none is none", () => {
    const buffers = newPeerTableBuffers();
    const writer = new PeerTableWriter(buffers);
    const reader = new PeerTableReader(buffers);
    const alice: TlsPeer = { chain: [der(1), der(2, 900)], authorized: true };
    const eve: TlsPeer = {
      chain: [der(3)],
      authorized: false,
      authorizationError: "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    };
    writer.open(40000, alice);
    writer.open(40001, eve);
    writer.open(40002, undefined);
    expect(reader.peer(40000)).toEqual(alice);
    expect(reader.peer(40001)).toEqual(eve);
    expect(reader.peer(40002)).toBeUndefined();
    expect(reader.sequence(40002)).toBeGreaterThan(0);
    expect(reader.peer(40003)).toBeUndefined();
    writer.close(40000);
    expect(reader.peer(40000)).toBeUndefined();
    expect(reader.peer(-1)).toBeUndefined();
    expect(reader.peer(70000)).toBeUndefined();
  });

  test("the same certificate is stored once; a port reused by another client reads the new one", () => {
    const buffers = newPeerTableBuffers();
    const writer = new PeerTableWriter(buffers);
    const reader = new PeerTableReader(buffers);
    const alice: TlsPeer = { chain: [der(1)], authorized: true };
    writer.open(1000, alice);
    writer.open(1001, { chain: [der(1)], authorized: true });
    expect(reader.peer(1000)).toBe(reader.peer(1001) as TlsPeer);
    writer.close(1000);
    writer.open(1000, { chain: [der(9)], authorized: true });
    expect(reader.peer(1000)?.chain[0]).toEqual(der(9));
  });

  test("a claim names one connection: a later connection on the port is not claimed", () => {
    const buffers = newPeerTableBuffers();
    const writer = new PeerTableWriter(buffers);
    const reader = new PeerTableReader(buffers);
    const seq = writer.open(2000, undefined);
    expect(writer.claimed(2000)).toBe(0);
    reader.claim(2000, seq);
    expect(writer.claimed(2000)).toBe(seq);
    expect(reader.claimed(2000)).toBe(true);
    writer.close(2000);
    writer.open(2000, undefined);
    expect(writer.claimed(2000)).toBe(0);
  });

  test("when the arena wraps, an old connection's overwritten entry reads as no identity, never another's", () => {
    const buffers = newPeerTableBuffers();
    const writer = new PeerTableWriter(buffers);
    const reader = new PeerTableReader(buffers);
    writer.open(3000, { chain: [der(0, 60_000)], authorized: true });
    writer.open(3001, { chain: [der(100, 60_000)], authorized: true });
    // Read (and kept) before the wrap: still that connection's own identity after it.
    expect(reader.peer(3001)?.chain[0]).toEqual(der(100, 60_000));
    // 4 MiB of distinct certificates: the arena starts over and overwrites the first entry.
    for (let i = 1; i <= 80; i++) writer.open(4000 + i, { chain: [der(i, 60_000)], authorized: true });
    expect(reader.peer(3000)).toBeUndefined();
    expect(reader.peer(3001)?.chain[0]).toEqual(der(100, 60_000));
    expect(reader.peer(4080)?.chain[0]).toEqual(der(80, 60_000));
  });
});
