// DNS on the wire for the cluster DNS tests and bench (RFC 1035; packets by dns-packet): query
// packets, one UDP or TCP round trip to 127.0.0.1, a fake upstream resolver on 127.0.0.1 (never the
// host's resolver) and `kube dns` as its own process.

import { createSocket } from "node:dgram";
import { connect } from "node:net";
import { type DecodedPacket, decode, encode, RECURSION_DESIRED, type RecordType } from "dns-packet";
import { type DnsListener, listenDns } from "../../components/dns/dns-listener.ts";
import { kubeBinary } from "./kube-binary.ts";
import { type KubeProcess, spawnKube } from "./kube-process.ts";

export type DnsReply = DecodedPacket & { rcode?: string };

/** A recursion-desired query for one question; `edns` adds an OPT record (4096-byte payload). */
export function queryPacket(
  name: string,
  type: RecordType = "A",
  options: { edns?: boolean; id?: number } = {},
): Buffer {
  return encode({
    type: "query",
    id: options.id ?? Math.floor(Math.random() * 65536),
    flags: RECURSION_DESIRED,
    questions: [{ type, name, class: "IN" }],
    additionals: options.edns
      ? [
          {
            type: "OPT",
            name: ".",
            udpPayloadSize: 4096,
            extendedRcode: 0,
            ednsVersion: 0,
            flags: 0,
            flag_do: false,
            options: [],
          },
        ]
      : [],
  });
}

export const decodeReply = (raw: Buffer): DnsReply => decode(raw) as DnsReply;

/** Sends one datagram to 127.0.0.1:port; the first reply, or undefined after `timeoutMs`. */
export function sendUdp(packet: Buffer, port: number, timeoutMs = 3000): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    const timer = setTimeout(() => {
      socket.close();
      resolve(undefined);
    }, timeoutMs);
    socket.on("message", (reply) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    });
    socket.send(packet, port, "127.0.0.1");
  });
}

/** Pipelines `packets` on one TCP connection to 127.0.0.1:port (length-prefixed); one reply each. */
export function sendTcp(packets: Buffer[], port: number): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    const replies: Buffer[] = [];
    let buffered: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`TCP: ${replies.length} of ${packets.length} replies`));
    }, 5000);
    socket.on("error", reject);
    socket.on("connect", () => {
      for (const p of packets) {
        const length = Buffer.alloc(2);
        length.writeUInt16BE(p.length);
        socket.write(Buffer.concat([length, p]));
      }
    });
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        replies.push(buffered.subarray(2, 2 + buffered.readUInt16BE(0)));
        buffered = buffered.subarray(2 + buffered.readUInt16BE(0));
      }
      if (replies.length === packets.length) {
        clearTimeout(timer);
        socket.destroy();
        resolve(replies);
      }
    });
  });
}

/** One question to the server at 127.0.0.1:port over UDP (default) or TCP; throws without a reply. */
export async function askDns(
  port: number,
  name: string,
  type: RecordType = "A",
  options: { transport?: "udp" | "tcp"; edns?: boolean } = {},
): Promise<DnsReply> {
  const packet = queryPacket(name, type, { edns: options.edns });
  const raw = options.transport === "tcp" ? (await sendTcp([packet], port))[0] : await sendUdp(packet, port);
  if (!raw) throw new Error(`no reply for ${name} ${type}`);
  return decodeReply(raw);
}

/** The answers' data, in order. */
export function answerData(reply: DnsReply): unknown[] {
  return (reply.answers ?? []).map((a) => ("data" in a ? a.data : undefined));
}

/**
 * A fake upstream resolver on 127.0.0.1: *.kt-upstream.test are 198.51.100.7 (A; other types
 * NODATA), "silent.*" never answers, others NXDOMAIN. Every question's name is pushed on `queries`.
 */
export function startFakeUpstream(queries: string[] = []): Promise<DnsListener> {
  return listenDns({
    bindAddress: "127.0.0.1",
    port: 0,
    onError: () => {},
    handler: async (message) => {
      const query = decode(message);
      const question = query.questions?.[0];
      if (!question) return undefined;
      queries.push(question.name);
      if (question.name.startsWith("silent.")) return undefined;
      const known = question.name.endsWith(".kt-upstream.test");
      return encode({
        type: "response",
        id: query.id,
        flags: RECURSION_DESIRED | (known ? 0 : 3),
        questions: [question],
        answers:
          known && question.type === "A"
            ? [{ type: "A", name: question.name, ttl: 60, data: "198.51.100.7" }]
            : [],
      });
    },
  });
}

/** A port on 127.0.0.1 that was free for UDP and TCP a moment ago (nobody listens on it now). */
export async function unusedDnsPort(): Promise<number> {
  const probe = await listenDns({
    bindAddress: "127.0.0.1",
    port: 0,
    onError: () => {},
    handler: async () => undefined,
  });
  const port = probe.port;
  await probe.close();
  return port;
}

/** `kube dns` in its own process against the apiserver at `master`; wait for its log lines. */
export function spawnKubeDns(options: {
  master: string;
  bindAddress: string;
  port: number;
  upstream: string;
  clusterIP?: string;
}): KubeProcess {
  return spawnKube([
    kubeBinary,
    "dns",
    "--master",
    options.master,
    "--bind-address",
    options.bindAddress,
    "--port",
    String(options.port),
    "--upstream",
    options.upstream,
    ...(options.clusterIP ? ["--cluster-ip", options.clusterIP] : []),
  ]);
}
