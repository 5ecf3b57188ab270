// One DNS message in, one out (CoreDNS's server loop plus the kubernetes and forward plugins):
// decodes with dns-packet, answers names in the cluster domain, forwards the rest, and sets the
// header bits (FORMERR for garbage, SERVFAIL when upstream is silent, TC over the UDP size limit).

import {
  type Answer,
  AUTHORITATIVE_ANSWER,
  type DecodedPacket,
  decode,
  encode,
  type OptAnswer,
  type Packet,
  RECURSION_AVAILABLE,
  RECURSION_DESIRED,
  type RecordType,
  TRUNCATED_RESPONSE,
} from "dns-packet";
import type { ClusterRecords } from "./cluster-records.ts";
import type { Forwarder } from "./forwarder.ts";
import { lookup, soaRecord } from "./lookup.ts";

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
const QR = 1 << 15;
const OPCODE_MASK = 0xf << 11;
/** RFC 1035's UDP limit for clients without EDNS(0). */
const CLASSIC_UDP_SIZE = 512;
/** The largest EDNS UDP answer we send, whatever the client offers (DNS flag day 2020). */
const MAX_UDP_SIZE = 1232;
/** CNAME chains inside the zone are followed at most this deep (CoreDNS stops at 8). */
const MAX_CNAME_DEPTH = 8;

export interface ResponderOptions {
  records: ClusterRecords;
  forwarder: Forwarder;
  /** False until the Service and EndpointSlice caches are filled: cluster names get SERVFAIL. */
  synced: () => boolean;
}

/** Decoded packets carry the opcode and rcode as strings dns-packet does not declare. */
type Decoded = DecodedPacket & { opcode?: string };

function rawHeaderReply(query: Buffer, rcode: number): Buffer {
  const reply = Buffer.alloc(12);
  reply.writeUInt16BE(query.readUInt16BE(0), 0);
  const flags = query.readUInt16BE(2);
  // Echo opcode and RD, set QR: RFC 1035 4.1.1.
  reply.writeUInt16BE(QR | (flags & OPCODE_MASK) | (flags & RECURSION_DESIRED) | rcode, 2);
  return reply;
}

export class Responder {
  constructor(private readonly options: ResponderOptions) {}

  /** The reply to one message, or undefined when it deserves none (responses, runts). */
  async respond(query: Buffer, transport: "udp" | "tcp"): Promise<Buffer | undefined> {
    if (query.length < 12) return undefined;
    let packet: Decoded;
    try {
      packet = decode(query) as Decoded;
    } catch {
      return (query.readUInt16BE(2) & QR) !== 0 ? undefined : rawHeaderReply(query, RCODE.FORMERR);
    }
    if (packet.flag_qr) return undefined;
    if (packet.opcode !== "QUERY") return rawHeaderReply(query, RCODE.NOTIMP);
    const question = packet.questions?.[0];
    if (packet.questions?.length !== 1 || !question) return rawHeaderReply(query, RCODE.FORMERR);
    const opt = packet.additionals?.find((a): a is OptAnswer => a.type === "OPT");
    const limit =
      transport === "tcp"
        ? 65535
        : opt
          ? Math.min(Math.max(opt.udpPayloadSize, CLASSIC_UDP_SIZE), MAX_UDP_SIZE)
          : CLASSIC_UDP_SIZE;

    const reply: Packet = {
      type: "response",
      id: packet.id,
      flags: (packet.flags ?? 0) & RECURSION_DESIRED,
      questions: [question],
      answers: [],
      authorities: [],
      additionals: opt ? [{ type: "OPT", name: ".", udpPayloadSize: MAX_UDP_SIZE, flags: 0 } as Answer] : [],
    };
    const name = question.name.toLowerCase().replace(/\.$/, "");
    const inZone = name === this.options.records.domain || name.endsWith(`.${this.options.records.domain}`);
    if (inZone && (question.class ?? "IN") !== "IN") return this.encode(reply, RCODE.REFUSED, limit);
    if (inZone && !this.options.synced()) return this.encode(reply, RCODE.SERVFAIL, limit);
    const rcode = await this.answerInto(reply, name, question.type, transport, 0);
    if (rcode === "forwarded") {
      const upstream = await this.options.forwarder.forward(query, transport);
      return upstream ?? this.encode(reply, RCODE.SERVFAIL, limit, false);
    }
    return this.encode(reply, rcode, limit);
  }

  /** Fills `reply` for `name`; "forwarded" when the whole question belongs upstream. */
  private async answerInto(
    reply: Packet,
    name: string,
    type: RecordType,
    transport: "udp" | "tcp",
    depth: number,
  ): Promise<number | "forwarded"> {
    const { records } = this.options;
    const result = lookup({ name, type: type }, records);
    switch (result.kind) {
      case "forward":
        if (depth === 0) return "forwarded";
        await this.chaseUpstream(reply, name, type, transport);
        return RCODE.NOERROR;
      case "answer":
        reply.answers?.push(...result.answers);
        reply.additionals?.push(...result.additionals);
        return RCODE.NOERROR;
      case "nodata":
        if (depth === 0) reply.authorities?.push(soaRecord(records));
        return RCODE.NOERROR;
      case "nxdomain":
        reply.authorities?.push(soaRecord(records));
        return depth === 0 ? RCODE.NXDOMAIN : RCODE.NOERROR;
      case "cname": {
        reply.answers?.push(result.answer);
        if (type === "CNAME" || depth >= MAX_CNAME_DEPTH) return RCODE.NOERROR;
        if (reply.answers?.some((a) => a.type === "CNAME" && a.name === result.target)) return RCODE.NOERROR;
        await this.answerInto(reply, result.target, type, transport, depth + 1);
        return RCODE.NOERROR;
      }
    }
  }

  /** Resolves an ExternalName's target upstream and appends what came back (nothing on failure). */
  private async chaseUpstream(
    reply: Packet,
    name: string,
    type: RecordType,
    transport: "udp" | "tcp",
  ): Promise<void> {
    const query = encode({
      type: "query",
      id: Math.floor(Math.random() * 65536),
      flags: RECURSION_DESIRED,
      questions: [{ type: type, name, class: "IN" }],
    });
    const raw = await this.options.forwarder.forward(query, transport);
    if (!raw) return;
    try {
      const upstream = decode(raw);
      reply.answers?.push(...(upstream.answers ?? []));
    } catch {
      // An undecodable upstream answer adds nothing: the client still gets the CNAME.
    }
  }

  private encode(reply: Packet, rcode: number, limit: number, authoritative = true): Buffer {
    reply.flags =
      (reply.flags ?? 0) |
      RECURSION_AVAILABLE |
      (authoritative && rcode !== RCODE.SERVFAIL && rcode !== RCODE.REFUSED ? AUTHORITATIVE_ANSWER : 0) |
      rcode;
    if (rcode === RCODE.REFUSED || rcode === RCODE.SERVFAIL) {
      reply.answers = [];
      reply.authorities = [];
    }
    const encoded = encode(reply);
    if (encoded.length <= limit) return encoded;
    // Too big for this transport: an empty answer with TC set tells the client to retry over TCP.
    reply.flags = (reply.flags ?? 0) | TRUNCATED_RESPONSE;
    reply.answers = [];
    reply.authorities = [];
    reply.additionals = reply.additionals?.filter((a) => a.type === "OPT");
    return encode(reply);
  }
}
