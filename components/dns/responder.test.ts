// One message in, one out, without sockets: header bits and rcodes for the odd cases (other
// opcodes, other classes, before the caches sync, CNAME loops, no upstream at all).

import { describe, expect, test } from "bun:test";
import { type DecodedPacket, decode, encode, RECURSION_DESIRED } from "dns-packet";
import { ClusterRecords } from "./cluster-records.ts";
import { Forwarder } from "./forwarder.ts";
import { Responder } from "./responder.ts";

type Reply = DecodedPacket & { rcode?: string; opcode?: string };

function responder(synced = true): Responder {
  const records = new ClusterRecords("cluster.local");
  records.setService({
    metadata: { name: "loop", namespace: "default" },
    spec: { type: "ExternalName", externalName: "loop.default.svc.cluster.local" },
  });
  records.setService({ metadata: { name: "web", namespace: "default" }, spec: { clusterIP: "10.96.0.20" } });
  return new Responder({
    records,
    forwarder: new Forwarder({ upstreams: [], timeoutMs: 100 }),
    synced: () => synced,
  });
}

function query(name: string, extra: { class?: "IN" | "CH"; flags?: number } = {}): Buffer {
  return encode({
    type: "query",
    id: 42,
    flags: extra.flags ?? RECURSION_DESIRED,
    questions: [{ type: "A", name, class: extra.class ?? "IN" }],
  });
}

async function reply(r: Responder, packet: Buffer): Promise<Reply> {
  const raw = await r.respond(packet, "udp");
  if (!raw) throw new Error("no reply");
  return decode(raw) as Reply;
}

describe("Responder", () => {
  test("answers echo id, question and RD, and set QR, AA and RA", async () => {
    const r = await reply(responder(), query("WEB.default.svc.cluster.local."));
    expect(r.id).toBe(42);
    expect([r.flag_qr, r.flag_aa, r.flag_rd, r.flag_ra, r.rcode]).toEqual([
      true,
      true,
      true,
      true,
      "NOERROR",
    ]);
    expect(r.questions?.[0]?.name).toBe("WEB.default.svc.cluster.local");
    expect(r.answers?.map((a) => ("data" in a ? a.data : undefined))).toEqual(["10.96.0.20"]);
  });

  test("other opcodes are NOTIMP; other classes in the zone REFUSED", async () => {
    const status = query("web.default.svc.cluster.local");
    status.writeUInt16BE(status.readUInt16BE(2) | (2 << 11), 2);
    const notimp = await reply(responder(), status);
    expect([notimp.rcode, notimp.opcode]).toEqual(["NOTIMP", "STATUS"]);
    expect((await reply(responder(), query("web.default.svc.cluster.local", { class: "CH" }))).rcode).toBe(
      "REFUSED",
    );
  });

  test("SERVFAIL for cluster names until the caches synced, and for other names without upstreams", async () => {
    expect((await reply(responder(false), query("web.default.svc.cluster.local"))).rcode).toBe("SERVFAIL");
    expect((await reply(responder(), query("example.org"))).rcode).toBe("SERVFAIL");
  });

  test("a CNAME loop ends", async () => {
    const r = await reply(responder(), query("loop.default.svc.cluster.local"));
    expect(r.rcode).toBe("NOERROR");
    expect(r.answers?.map((a) => a.type)).toEqual(["CNAME"]);
  });
});
