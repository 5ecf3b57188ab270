// The loopback bridge between kube server's apiserver and its fake nodes' process: a TCP port on
// 127.0.0.1 whose connections first show the secret token, then carry multiplexed requests
// (cmd/server-nodes-frames.ts), each acting as the node it names (system:node:<n>) through the
// apiserver's in-process handler; a node not of this server gets a 401 Status.

import { timingSafeEqual } from "node:crypto";
import type { Socket } from "bun";
import { nodeUser, type UserInfo } from "../components/apiserver/authn/user-info.ts";
import type { FetchLike } from "../lib/client/api-client.ts";
import { StatusError } from "../lib/errors/status-error.ts";
import { statusResponse } from "../lib/errors/status-response.ts";
import {
  FRAME,
  FrameReader,
  FrameWriter,
  frame,
  parseRequestPayload,
  requestPayload,
  streamsResponse,
} from "./server-nodes-frames.ts";

export interface ServerNodesBridge {
  port: number;
  stop(): void;
}

interface Connection {
  authed: boolean;
  reader: FrameReader;
  writer: FrameWriter;
  /** Streams in flight: abort one when the child cancels it or the connection closes. */
  streams: Map<number, AbortController>;
}

export function startServerNodesBridge(options: {
  nodeNames: string[];
  fetchAs: (user: UserInfo) => FetchLike;
  token: string;
}): ServerNodesBridge {
  const expected = Buffer.from(options.token);
  const names = new Set(options.nodeNames);
  const handlers = new Map<string, FetchLike>();
  const handlerFor = (node: string): FetchLike => {
    let handler = handlers.get(node);
    if (!handler) {
      handler = options.fetchAs(nodeUser(node));
      handlers.set(node, handler);
    }
    return handler;
  };

  const respond = async (
    conn: Connection,
    id: number,
    response: Response,
    abort: AbortController,
    streamed: boolean,
  ) => {
    const head = { s: response.status, h: Object.fromEntries(response.headers) };
    if (!streamed) {
      // One frame, no body reader: the per-response stream, its reads and three frames were ~17 %
      // of the server thread in a 1000-node restart profile (bridge onRequest, respond and flush).
      const body = response.body ? new Uint8Array(await response.arrayBuffer()) : new Uint8Array(0);
      if (!abort.signal.aborted) conn.writer.send(frame(FRAME.full, id, requestPayload(head, body)));
      return;
    }
    conn.writer.send(frame(FRAME.head, id, JSON.stringify(head)));
    if (response.body) {
      const reader = response.body.getReader();
      abort.signal.addEventListener("abort", () => void reader.cancel().catch(() => undefined), {
        once: true,
      });
      for (;;) {
        const { value, done } = await reader.read();
        if (done || abort.signal.aborted) break;
        if (value.length > 0) conn.writer.send(frame(FRAME.data, id, value));
      }
    }
    if (!abort.signal.aborted) conn.writer.send(frame(FRAME.end, id));
  };

  const onRequest = (conn: Connection, id: number, payload: Uint8Array): void => {
    const { head, body } = parseRequestPayload(payload);
    const abort = new AbortController();
    conn.streams.set(id, abort);
    const response = names.has(head.n)
      ? handlerFor(head.n)(
          new Request(`http://kube${head.u}`, {
            method: head.m,
            headers: head.h,
            body: head.m === "GET" || head.m === "HEAD" || body.length === 0 ? undefined : body,
            signal: abort.signal,
          }),
        )
      : Promise.resolve(statusResponse(StatusError.of(401, "Unauthorized", "Unauthorized")));
    void response
      .then((r) => respond(conn, id, r, abort, streamsResponse(head.u)))
      .catch((error: Error) => {
        if (!abort.signal.aborted) conn.writer.send(frame(FRAME.error, id, error.message));
      })
      .finally(() => conn.streams.delete(id));
  };

  const server = Bun.listen<Connection>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(socket: Socket<Connection>) {
        const conn: Connection = {
          authed: false,
          streams: new Map(),
          writer: new FrameWriter((bytes) => socket.write(bytes)),
          reader: new FrameReader((type, id, payload) => {
            if (!conn.authed) {
              const given = Buffer.from(payload);
              if (
                type !== FRAME.hello ||
                given.length !== expected.length ||
                !timingSafeEqual(given, expected)
              )
                socket.end();
              else conn.authed = true;
            } else if (type === FRAME.request) onRequest(conn, id, payload);
            else if (type === FRAME.cancel) conn.streams.get(id)?.abort();
          }),
        };
        socket.data = conn;
      },
      data(socket, chunk) {
        socket.data.reader.push(chunk);
      },
      drain(socket) {
        socket.data.writer.drain();
      },
      close(socket) {
        for (const abort of socket.data.streams.values()) abort.abort();
        socket.data.streams.clear();
      },
    },
  });
  return { port: server.port, stop: () => server.stop(true) };
}
