// The shape of one bad-input case and the request helpers the case tables share: each case
// sends one request and states upstream's answer (code, reason, message) for it.
import { type RawRequest, type RawResponse, rawRequest } from "./raw-http.ts";

export interface Target {
  api: string;
  kubelet: string;
}

export interface Outcome {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface BadInputCase {
  name: string;
  send(t: Target): Promise<Outcome>;
  code: number;
  /** The Status reason; absent when the answer is not a Status (a dry-run success). */
  reason?: string;
  message?: string | RegExp;
  /** Sent alone, not beside other cases (multi-MiB bodies, hundreds of connections). */
  heavy?: boolean;
  /** Extra assertions on the answer. */
  check?(o: Outcome): void;
}

async function outcome(res: Response): Promise<Outcome> {
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
  });
  return { status: res.status, headers, body: await res.text() };
}

export async function send(
  base: string,
  method: string,
  path: string,
  body?: string | Uint8Array,
  contentType = "application/json",
): Promise<Outcome> {
  const headers: Record<string, string> = body === undefined ? {} : { "Content-Type": contentType };
  return outcome(await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body }) }));
}

export const get = (base: string, path: string) => send(base, "GET", path);
export const post = (base: string, path: string, obj: unknown, type?: string) =>
  send(base, "POST", path, typeof obj === "string" ? obj : JSON.stringify(obj), type);
export const put = (base: string, path: string, obj: unknown) => send(base, "PUT", path, JSON.stringify(obj));
export const patch = (base: string, path: string, type: string, body: unknown) =>
  send(base, "PATCH", path, typeof body === "string" ? body : JSON.stringify(body), type);

export function portOf(url: string): number {
  return Number(new URL(url).port);
}

export async function raw(url: string, req: RawRequest): Promise<Outcome> {
  const res: RawResponse = await rawRequest(portOf(url), req);
  return res;
}

/** `obj` with the value at the dotted `path` (numeric parts index arrays) set to `value`. */
export function setAt(obj: unknown, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(obj) as Record<string, unknown>;
  const parts = path.split(".");
  let at: Record<string, unknown> = copy;
  for (const p of parts.slice(0, -1)) {
    if (at[p] === undefined || at[p] === null || typeof at[p] !== "object") at[p] = {};
    at = at[p] as Record<string, unknown>;
  }
  at[parts[parts.length - 1] as string] = value;
  return copy;
}

export const NS = "/api/v1/namespaces/default";
export const APPS = "/apis/apps/v1/namespaces/default";
