// The fake nodes' side of the bridge to kube server's apiserver: one connection carrying every
// kubelet's requests, each a stream of frames (cmd/server-nodes-frames.ts), with a FetchLike per node.

import type { Socket } from "bun";
import type { FetchLike } from "../lib/client/api-client.ts";
import {
  FRAME,
  FrameReader,
  FrameWriter,
  frame,
  parseRequestPayload,
  type ResponseHead,
  requestPayload,
} from "./server-nodes-frames.ts";

interface Pending {
  resolve: (response: Response) => void;
  reject: (error: Error) => void;
  body?: ReadableStreamDefaultController<Uint8Array>;
}

/** Statuses whose Response may not have a body. */
const NULL_BODY = new Set([101, 204, 205, 304]);

export class BridgeClient {
  private readonly pending = new Map<number, Pending>();
  private next = 1;
  private closedWith: Error | undefined;
  private readonly writer: FrameWriter;
  private readonly reader: FrameReader;
  /** Settles when the connection closes (the server is gone or stopped this process). */
  readonly closed: Promise<void>;

  private constructor(
    private readonly socket: Socket<undefined>,
    closed: Promise<void>,
  ) {
    this.closed = closed;
    this.writer = new FrameWriter((bytes) => socket.write(bytes));
    this.reader = new FrameReader((type, id, payload) => this.onFrame(type, id, payload));
  }

  /** Connects to the bridge at `url` (http://127.0.0.1:<port>) and shows it the token. */
  static async connect(url: string, token: string): Promise<BridgeClient> {
    const { hostname, port } = new URL(url);
    let client: BridgeClient | undefined;
    const closed = Promise.withResolvers<void>();
    const socket = await Bun.connect({
      hostname,
      port: Number(port),
      socket: {
        data: (_s, chunk) => client?.reader.push(chunk),
        drain: () => client?.writer.drain(),
        close: () => {
          client?.fail(new Error("the connection to kube server closed"));
          closed.resolve();
        },
        error: (_s, error) => client?.fail(error),
      },
    });
    client = new BridgeClient(socket, closed.promise);
    client.writer.send(frame(FRAME.hello, 0, token));
    return client;
  }

  /** A kubelet's transport: its requests act as `node`. */
  fetchAs(node: string): FetchLike {
    return async (request) => {
      if (this.closedWith) throw this.closedWith;
      const id = this.next++;
      const url = new URL(request.url);
      const body =
        request.method === "GET" || request.method === "HEAD"
          ? new Uint8Array(0)
          : new Uint8Array(await request.arrayBuffer());
      const headers: Record<string, string> = {};
      request.headers.forEach((value, key) => {
        headers[key] = value;
      });
      return new Promise<Response>((resolve, reject) => {
        const entry: Pending = { resolve, reject };
        this.pending.set(id, entry);
        const signal = request.signal;
        signal?.addEventListener(
          "abort",
          () => {
            if (!this.pending.has(id)) return;
            this.pending.delete(id);
            this.writer.send(frame(FRAME.cancel, id));
            const error = new DOMException("The operation was aborted.", "AbortError");
            entry.body?.error(error);
            reject(error);
          },
          { once: true },
        );
        this.writer.send(
          frame(
            FRAME.request,
            id,
            requestPayload({ m: request.method, u: url.pathname + url.search, h: headers, n: node }, body),
          ),
        );
      });
    };
  }

  close(): void {
    this.socket.end();
  }

  private fail(error: Error): void {
    this.closedWith ??= error;
    for (const entry of this.pending.values()) {
      entry.body?.error(error);
      entry.reject(error);
    }
    this.pending.clear();
  }

  private onFrame(type: number, id: number, payload: Uint8Array): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    if (type === FRAME.full) {
      this.pending.delete(id);
      const { head, body } = parseRequestPayload<ResponseHead>(payload);
      entry.resolve(new Response(NULL_BODY.has(head.s) ? null : body, { status: head.s, headers: head.h }));
    } else if (type === FRAME.head) {
      const head = JSON.parse(new TextDecoder().decode(payload)) as ResponseHead;
      const body = NULL_BODY.has(head.s)
        ? null
        : new ReadableStream<Uint8Array>({
            start: (controller) => {
              entry.body = controller;
            },
          });
      entry.resolve(new Response(body, { status: head.s, headers: head.h }));
    } else if (type === FRAME.data) entry.body?.enqueue(payload);
    else if (type === FRAME.end) {
      this.pending.delete(id);
      entry.body?.close();
    } else if (type === FRAME.error) {
      this.pending.delete(id);
      const error = new Error(new TextDecoder().decode(payload));
      entry.body?.error(error);
      entry.reject(error);
    }
  }
}
