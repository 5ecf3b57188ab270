// What every etcd service handler shares: the store, who this member is, the request size limit,
// and response headers stamped with the store's revision.
import type { WireHeader } from "../../storage/etcd/wire.ts";
import type { KV } from "../../storage/kv.ts";
import { type MemberIdentity, responseHeader } from "./member-identity.ts";

export interface ServiceContext {
  kv: KV;
  identity: MemberIdentity;
  maxRequestBytes: number;
  /** The URLs clients reach this member at (after port 0 was resolved). */
  clientUrls: () => string[];
  /** etcd version string reported by Maintenance.Status. */
  version: string;
  /** How often watches created with progress_notify get a progress response when idle. */
  progressNotifyIntervalMs: number;
  header(revision: number): WireHeader;
  /** Header at the store's current revision, for calls that do not write. */
  currentHeader(): Promise<WireHeader>;
  /** Registers a streaming call to end on shutdown; returns the function that unregisters it. */
  track(close: () => void): () => void;
}

const probeKey = Uint8Array.of(0);

export async function currentRevision(kv: KV): Promise<number> {
  const result = await kv.range({ key: probeKey }, { countOnly: true });
  return result.revision;
}

export function serviceContext(options: Omit<ServiceContext, "header" | "currentHeader">): ServiceContext {
  const header = (revision: number) => responseHeader(options.identity, revision);
  return {
    ...options,
    header,
    currentHeader: async () => header(await currentRevision(options.kv)),
  };
}
