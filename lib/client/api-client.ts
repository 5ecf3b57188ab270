// A small Kubernetes REST client (what client-go's rest.Interface is to upstream components):
// JSON over fetch, errors decoded into StatusError, watches as async iterables. In `kube server`
// it is handed the apiserver's own fetch handler, so components talk to it without sockets.

import { type Status, StatusError } from "../errors/status-error.ts";

export type FetchLike = (request: Request) => Promise<Response>;

export interface ApiClientOptions {
  /** e.g. "http://127.0.0.1:8080" (no trailing slash). */
  server: string;
  /**
   * More apiservers of the same cluster (HA): when one cannot be reached the client moves on to
   * the next and stays there; `server` is tried first.
   */
  failover?: string[];
  /** Defaults to the global fetch; `kube server` passes the apiserver's handler. */
  fetch?: FetchLike;
  userAgent?: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** TLS for an https server with the global fetch: the CA to trust and a client certificate. */
  tls?: ClientTls;
}

export interface ClientTls {
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  /** false: accept any server certificate (kubeconfig's insecure-skip-tls-verify). */
  verify?: boolean;
  serverName?: string;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  limit?: number;
  continue?: string;
  /** Aborts the request (an informer's stop). */
  signal?: AbortSignal;
}

export interface WatchOptions extends ListOptions {
  allowWatchBookmarks?: boolean;
}

export interface WatchEvent<T> {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: T;
}

export type PatchType = "merge" | "strategic" | "json" | "apply";

/** client-go's default maxRetries for a 429 (or 5xx) that carries Retry-After. */
const MAX_RETRIES = 10;

const PATCH_CONTENT_TYPE: Record<PatchType, string> = {
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  json: "application/json-patch+json",
  apply: "application/apply-patch+yaml",
};

function query(options: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || key === "signal") continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

export class ApiClient {
  /** Every apiserver this client may use, `server` first. */
  readonly servers: readonly string[];
  private current = 0;
  private readonly doFetch: FetchLike;
  private readonly userAgent: string;
  private readonly token: string | undefined;
  /** The CA this client trusts for the server (from its kubeconfig), if any. */
  readonly caPem: string | undefined;

  constructor(options: ApiClientOptions) {
    this.servers = [options.server, ...(options.failover ?? [])].map((url) => url.replace(/\/+$/, ""));
    const tls = options.tls;
    this.doFetch =
      options.fetch ??
      (tls
        ? (request) =>
            fetch(request, {
              tls: {
                ...(tls.caPem ? { ca: tls.caPem } : {}),
                ...(tls.certPem ? { cert: tls.certPem } : {}),
                ...(tls.keyPem ? { key: tls.keyPem } : {}),
                ...(tls.serverName ? { serverName: tls.serverName } : {}),
                rejectUnauthorized: tls.verify !== false,
              },
            })
        : (request) => fetch(request));
    this.userAgent = options.userAgent ?? "kube";
    this.token = options.token;
    this.caPem = options.tls?.caPem;
  }

  /** The apiserver requests go to now (the first of `servers` until it fails). */
  get server(): string {
    return this.servers[this.current] as string;
  }

  /**
   * Sends a request and returns the raw response (any status). With several servers, a request
   * that cannot reach one goes to the next, in turn, and the client stays on the one that
   * answered: any request when the connection was refused (nothing was sent), only reads when
   * it broke later (a write may have been applied).
   */
  async raw(
    method: string,
    path: string,
    init: { body?: string; contentType?: string; signal?: AbortSignal } = {},
  ) {
    const headers: Record<string, string> = { accept: "application/json", "user-agent": this.userAgent };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (init.body !== undefined) headers["content-type"] = init.contentType ?? "application/json";
    const send = (server: string) =>
      this.doFetch(
        new Request(`${server}${path}`, { method, headers, body: init.body, signal: init.signal }),
      );
    if (this.servers.length === 1) return send(this.server);
    for (let tried = 1; ; tried++) {
      const index = this.current;
      try {
        return await send(this.servers[index] as string);
      } catch (error) {
        const retry = !init.signal?.aborted && (method === "GET" || connectionRefused(error));
        if (!retry || tried >= this.servers.length) throw error;
        // Another request may have moved on already: only advance from the server that failed.
        if (this.current === index) this.current = (index + 1) % this.servers.length;
      }
    }
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    contentType?: string,
    signal?: AbortSignal,
  ): Promise<T> {
    const init = {
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      contentType,
      signal,
    };
    let response = await this.raw(method, path, init);
    // client-go (rest.Request, maxRetries 10): a 429 with Retry-After was not processed, so any
    // request is sent again after that wait (here with up to 50 % jitter, so a crowd spreads).
    for (let retries = 0; response.status === 429 && retries < MAX_RETRIES && !signal?.aborted; retries++) {
      const header = response.headers.get("retry-after");
      const after = header === null || header.trim() === "" ? Number.NaN : Number(header);
      if (!(after >= 0)) break;
      await response.arrayBuffer();
      await new Promise((r) => setTimeout(r, Math.min(after, 10) * 1000 * (1 + Math.random() / 2)));
      response = await this.raw(method, path, init);
    }
    const text = await response.text();
    if (!response.ok) throw decodeError(response.status, text, method, path);
    return (text ? JSON.parse(text) : {}) as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>("GET", path);
  }

  /** The object, or undefined when the API answers 404 (other errors throw). */
  async getIfExists<T>(path: string): Promise<T | undefined> {
    try {
      return await this.get<T>(path);
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  list<T>(path: string, options: ListOptions = {}): Promise<T> {
    return this.request<T>("GET", `${path}${query(options)}`, undefined, undefined, options.signal);
  }

  create<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("POST", path, body);
  }

  update<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("PUT", path, body);
  }

  patch<T>(path: string, body: unknown, type: PatchType = "merge"): Promise<T> {
    return this.request<T>("PATCH", path, body, PATCH_CONTENT_TYPE[type]);
  }

  delete<T>(
    path: string,
    options?: { gracePeriodSeconds?: number; propagationPolicy?: string; uid?: string },
  ) {
    const body = options
      ? {
          kind: "DeleteOptions",
          apiVersion: "v1",
          gracePeriodSeconds: options.gracePeriodSeconds,
          propagationPolicy: options.propagationPolicy,
          preconditions: options.uid ? { uid: options.uid } : undefined,
        }
      : undefined;
    return this.request<T>("DELETE", path, body);
  }

  /** Watch events until the server ends the stream or `signal` aborts. */
  async *watch<T>(path: string, options: WatchOptions = {}): AsyncGenerator<WatchEvent<T>> {
    if (options.signal?.aborted) return; // stopped before it started: nothing to watch
    const response = await this.raw("GET", `${path}${query({ ...options, watch: true })}`, {
      signal: options.signal,
    });
    if (!response.ok) throw decodeError(response.status, await response.text(), "GET", path);
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let newline = buffer.indexOf("\n");
        while (newline >= 0) {
          const line = buffer.slice(0, newline).trim();
          buffer = buffer.slice(newline + 1);
          if (line) yield JSON.parse(line) as WatchEvent<T>;
          newline = buffer.indexOf("\n");
        }
      }
    } catch (error) {
      if (options.signal?.aborted) return;
      throw error;
    }
  }
}

function decodeError(code: number, text: string, method: string, path: string): StatusError {
  try {
    const status = JSON.parse(text) as Status;
    if (status.kind === "Status") return new StatusError({ ...status, code: status.code || code });
  } catch {
    // not a Status: fall through
  }
  return StatusError.of(code, "Unknown", `${method} ${path}: HTTP ${code}: ${text.slice(0, 200)}`);
}

/** fetch's error when nothing listens on the server's port (Bun: code "ConnectionRefused"). */
function connectionRefused(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ConnectionRefused" || code === "ECONNREFUSED";
}

/** True for a StatusError with this HTTP code (404, 409, ...). */
export function isStatus(error: unknown, code: number): boolean {
  return error instanceof StatusError && error.code === code;
}
