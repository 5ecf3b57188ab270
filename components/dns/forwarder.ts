// Forwarding of names outside the cluster domain to upstream resolvers (CoreDNS's forward plugin
// with `forward . /etc/resolv.conf`): the query goes out as the client sent it, over the client's
// transport, to each upstream in turn; undefined when none answered in time (the caller SERVFAILs).

import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { isIP, connect as tcpConnect } from "node:net";

export interface Upstream {
  host: string;
  port: number;
}

/** "1.2.3.4", "1.2.3.4:5353", "fd00::1" or "[fd00::1]:5353"; throws naming the bad one. */
export function parseUpstream(text: string): Upstream {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const [host, port] = bracketed
    ? [bracketed[1] ?? "", bracketed[2]]
    : isIP(text)
      ? [text, undefined]
      : [text.slice(0, text.lastIndexOf(":")), text.slice(text.lastIndexOf(":") + 1)];
  const portNumber = port === undefined ? 53 : Number(port);
  if (!isIP(host) || !Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535)
    throw new Error(`invalid upstream resolver "${text}": want an IP address, optionally with :port`);
  return { host, port: portNumber };
}

/** The nameservers of a resolv.conf (at most 3, as the C library reads them); none if unreadable. */
export function resolvConfNameservers(path: string): Upstream[] {
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return [];
  }
  const servers: Upstream[] = [];
  for (const line of text.split("\n")) {
    const [key, value] = line.trim().split(/\s+/);
    // A zone index (fe80::1%eth0) cannot be used without its interface: skip such entries.
    if (key === "nameserver" && value && isIP(value)) servers.push({ host: value, port: 53 });
  }
  return servers.slice(0, 3);
}

function queryId(packet: Uint8Array): number {
  return ((packet[0] ?? 0) << 8) | (packet[1] ?? 0);
}

function viaUdp(upstream: Upstream, query: Buffer, timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket(isIP(upstream.host) === 6 ? "udp6" : "udp4");
    const finish = (reply: Buffer | undefined) => {
      clearTimeout(timer);
      socket.removeAllListeners("message");
      try {
        socket.close();
      } catch {
        // already closed
      }
      resolve(reply);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    socket.on("error", () => finish(undefined));
    socket.on("message", (reply, from) => {
      // Only the upstream's answer to this query: a stray datagram must not poison it.
      if (from.port !== upstream.port || reply.length < 12 || queryId(reply) !== queryId(query)) return;
      finish(reply);
    });
    // A connected socket hears the ICMP "port unreachable" of an upstream that is not there
    // as an error at once, instead of waiting out the whole timeout.
    socket.connect(upstream.port, upstream.host, () => {
      socket.send(query, (error) => {
        if (error) finish(undefined);
      });
    });
  });
}

function viaTcp(upstream: Upstream, query: Buffer, timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: upstream.host, port: upstream.port });
    let received: Buffer = Buffer.alloc(0);
    const finish = (reply: Buffer | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reply);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    socket.on("error", () => finish(undefined));
    socket.on("close", () => finish(undefined));
    socket.on("connect", () => {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(query.length);
      socket.write(Buffer.concat([length, query]));
    });
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 2) return;
      const size = received.readUInt16BE(0);
      if (received.length >= 2 + size) finish(received.subarray(2, 2 + size));
    });
  });
}

export interface ForwarderOptions {
  upstreams: Upstream[];
  /** How long one upstream has to answer before the next is tried (ms). */
  timeoutMs: number;
}

export class Forwarder {
  constructor(private readonly options: ForwarderOptions) {}

  get upstreams(): readonly Upstream[] {
    return this.options.upstreams;
  }

  /** The first upstream's reply to `query`, or undefined when none answered in time. */
  async forward(query: Buffer, transport: "udp" | "tcp"): Promise<Buffer | undefined> {
    for (const upstream of this.options.upstreams) {
      const reply =
        transport === "udp"
          ? await viaUdp(upstream, query, this.options.timeoutMs)
          : await viaTcp(upstream, query, this.options.timeoutMs);
      if (reply) return reply;
    }
    return undefined;
  }
}
