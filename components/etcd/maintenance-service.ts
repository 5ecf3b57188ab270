// etcdserverpb.Maintenance: Status, Alarm (never raised), Defragment (nothing to do: SQLite
// reclaims space itself), Hash and HashKV (a CRC-32 of the keyspace; not etcd's algorithm).
import type * as grpc from "@grpc/grpc-js";
import { num, type WireHeader, type WireStatusResponse } from "../../storage/etcd/wire.ts";
import type { ServiceContext } from "./service-context.ts";
import { unary } from "./unary.ts";

async function keyspaceHash(
  ctx: ServiceContext,
  revision: number,
): Promise<{ hash: number; revision: number }> {
  const all = await ctx.kv.range({ key: Uint8Array.of(0), end: Uint8Array.of(0) }, { revision });
  let hash = 0;
  for (const kv of all.kvs) {
    hash = Bun.hash.crc32(kv.key, hash);
    hash = Bun.hash.crc32(kv.value, hash);
    hash = Bun.hash.crc32(
      new TextEncoder().encode(`${kv.createRevision}/${kv.modRevision}/${kv.version}`),
      hash,
    );
  }
  return { hash: hash >>> 0, revision: all.revision };
}

export function maintenanceService(ctx: ServiceContext): grpc.UntypedServiceImplementation {
  return {
    Status: unary<Record<string, never>, WireStatusResponse>(async () => {
      const status = await ctx.kv.status();
      return {
        header: ctx.header(status.revision),
        version: ctx.version,
        dbSize: status.dbSize,
        leader: ctx.identity.memberId,
        raftIndex: status.revision,
        raftTerm: ctx.identity.raftTerm,
        raftAppliedIndex: status.revision,
        errors: [],
        dbSizeInUse: status.dbSizeInUse,
        isLearner: false,
      };
    }),

    Alarm: unary<{ action: string }, { header: WireHeader; alarms: never[] }>(async () => ({
      header: await ctx.currentHeader(),
      alarms: [],
    })),

    Defragment: unary<Record<string, never>, { header: WireHeader }>(async () => ({
      header: await ctx.currentHeader(),
    })),

    Hash: unary<Record<string, never>, { header: WireHeader; hash: number }>(async () => {
      const { hash, revision } = await keyspaceHash(ctx, 0);
      return { header: ctx.header(revision), hash };
    }),

    HashKV: unary<{ revision: string }, { header: WireHeader; hash: number; compact_revision: number }>(
      async (req) => {
        const status = await ctx.kv.status();
        const { hash, revision } = await keyspaceHash(ctx, num(req.revision));
        return { header: ctx.header(revision), hash, compact_revision: status.compactRevision };
      },
    ),
  };
}
