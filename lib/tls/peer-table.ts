// The table a TLS front on a Worker shares with the thread that owns the inner server: per inner
// connection (indexed by its local port) a sequence number, a takeover claim and where the
// client's certificate chain lies in a shared arena, so `peerOf` answers synchronously.
import type { TlsPeer } from "./tls-front.ts";

const PORTS = 65536;
/** Int32 fields per port: sequence (0: no connection), arena offset, arena generation, claimed sequence. */
const FIELDS = 4;
const SEQ = 0;
const OFFSET = 1;
const GEN = 2;
const CLAIM = 3;
/** Control words: open client connections, arena generation. */
const CONTROL = 2;
const ARENA_BYTES = 4 << 20;
/** An offset meaning "no certificate". */
const NONE = -1;

export interface PeerTableBuffers {
  slots: SharedArrayBuffer;
  arena: SharedArrayBuffer;
}

export function newPeerTableBuffers(): PeerTableBuffers {
  return {
    slots: new SharedArrayBuffer((PORTS * FIELDS + CONTROL) * 4),
    arena: new SharedArrayBuffer(ARENA_BYTES),
  };
}

/** The Worker's side: publishes connections and their certificates. */
export class PeerTableWriter {
  private readonly slots: Int32Array;
  private readonly arena: Uint8Array;
  private readonly view: DataView;
  private used = 0;
  private gen = 1;
  private seq = 0;
  /** Chains already in the arena (certificate, verdict) → offset: one entry per distinct client. */
  private readonly known = new Map<string, number>();

  constructor(buffers: PeerTableBuffers) {
    this.slots = new Int32Array(buffers.slots);
    this.arena = new Uint8Array(buffers.arena);
    this.view = new DataView(buffers.arena);
    Atomics.store(this.slots, PORTS * FIELDS + 1, this.gen);
  }

  /** Before the connection's first byte is forwarded: the sequence number it gets. */
  open(port: number, peer: TlsPeer | undefined): number {
    const at = port * FIELDS;
    const offset = peer ? this.store(peer) : NONE;
    this.seq = this.seq >= 0x7ffffffe ? 1 : this.seq + 1;
    Atomics.store(this.slots, at + OFFSET, offset);
    Atomics.store(this.slots, at + GEN, this.gen);
    Atomics.store(this.slots, at + CLAIM, 0);
    Atomics.store(this.slots, at + SEQ, this.seq);
    return this.seq;
  }

  close(port: number): void {
    Atomics.store(this.slots, port * FIELDS + SEQ, 0);
  }

  /** The sequence of the connection now on this port if the owner thread claimed it, else 0. */
  claimed(port: number): number {
    const seq = Atomics.load(this.slots, port * FIELDS + SEQ);
    return seq !== 0 && Atomics.load(this.slots, port * FIELDS + CLAIM) === seq ? seq : 0;
  }

  count(open: number): void {
    Atomics.store(this.slots, PORTS * FIELDS, open);
  }

  /** Entry: generation (i32), authorized (u8), error length (u8) and ASCII, count (u8), then length (u32) + DER each. */
  private store(peer: TlsPeer): number {
    const error = (peer.authorizationError ?? "").slice(0, 255);
    const key = `${peer.authorized ? 1 : 0}${error}|${peer.chain.map((c) => Buffer.from(c).toString("base64")).join(",")}`;
    const known = this.known.get(key);
    if (known !== undefined) return known;
    const chain = peer.chain.slice(0, 255);
    const size = 4 + 1 + 1 + error.length + 1 + chain.reduce((n, c) => n + 4 + c.length, 0);
    if (size > ARENA_BYTES) return NONE;
    if (this.used + size > ARENA_BYTES) {
      // Full (thousands of distinct clients): start over; entries of the old generation read as gone.
      this.gen = this.gen >= 0x7ffffffe ? 1 : this.gen + 1;
      Atomics.store(this.slots, PORTS * FIELDS + 1, this.gen);
      this.known.clear();
      this.used = 0;
    }
    const offset = this.used;
    let p = offset;
    this.view.setInt32(p, this.gen);
    p += 4;
    this.arena[p++] = peer.authorized ? 1 : 0;
    this.arena[p++] = error.length;
    for (let i = 0; i < error.length; i++) this.arena[p++] = error.charCodeAt(i) & 0x7f;
    this.arena[p++] = chain.length;
    for (const der of chain) {
      this.view.setUint32(p, der.length);
      p += 4;
      this.arena.set(der, p);
      p += der.length;
    }
    this.used = p;
    this.known.set(key, offset);
    return offset;
  }
}

/** The owner thread's side: reads what the Worker published. */
export class PeerTableReader {
  private readonly slots: Int32Array;
  private readonly arena: Uint8Array;
  private readonly view: DataView;
  /** Decoded entries by offset, for the generation they were read in. */
  private readonly decoded = new Map<number, { gen: number; peer: TlsPeer }>();

  constructor(buffers: PeerTableBuffers) {
    this.slots = new Int32Array(buffers.slots);
    this.arena = new Uint8Array(buffers.arena);
    this.view = new DataView(buffers.arena);
  }

  /** The live connection's sequence on this port, 0 if none. */
  sequence(port: number): number {
    return port >= 0 && port < PORTS ? Atomics.load(this.slots, port * FIELDS + SEQ) : 0;
  }

  peer(port: number): TlsPeer | undefined {
    if (this.sequence(port) === 0) return undefined;
    const at = port * FIELDS;
    const offset = Atomics.load(this.slots, at + OFFSET);
    const gen = Atomics.load(this.slots, at + GEN);
    if (offset === NONE) return undefined;
    const cached = this.decoded.get(offset);
    if (cached?.gen === gen) return cached.peer;
    // An entry overwritten after the arena wrapped: no identity rather than someone else's.
    if (this.view.getInt32(offset) !== gen) return undefined;
    let p = offset + 4;
    const authorized = this.arena[p++] === 1;
    const errorLength = this.arena[p++] ?? 0;
    const error = String.fromCharCode(...this.arena.subarray(p, p + errorLength));
    p += errorLength;
    const count = this.arena[p++] ?? 0;
    const chain: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const length = this.view.getUint32(p);
      p += 4;
      chain.push(this.arena.slice(p, p + length));
      p += length;
    }
    const peer: TlsPeer = { chain, authorized, ...(authorized ? {} : { authorizationError: error }) };
    this.decoded.set(offset, { gen, peer });
    return peer;
  }

  /** Marks the connection on this port as the owner's from now on (the Worker stops forwarding it). */
  claim(port: number, seq: number): void {
    Atomics.store(this.slots, port * FIELDS + CLAIM, seq);
  }

  claimed(port: number): boolean {
    const seq = this.sequence(port);
    return seq !== 0 && Atomics.load(this.slots, port * FIELDS + CLAIM) === seq;
  }

  get connections(): number {
    return Atomics.load(this.slots, PORTS * FIELDS);
  }
}
