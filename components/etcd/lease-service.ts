// etcdserverpb.Lease: grant, revoke, keep-alive (a bidi stream of renewals), time-to-live and list
// (etcd-io/etcd server/etcdserver/api/v3rpc/lease.go). Lease IDs stay below 2^53 here.
import type * as grpc from "@grpc/grpc-js";
import { LeaseNotFoundError } from "../../storage/errors.ts";
import { EtcdRpcError, maxLeaseTtl, rpcErrors } from "../../storage/etcd/rpc-errors.ts";
import {
  type Int64,
  num,
  type WireHeader,
  type WireLeaseGrantResponse,
  type WireLeaseKeepAliveResponse,
  type WireLeaseLeasesResponse,
  type WireLeaseTimeToLiveResponse,
} from "../../storage/etcd/wire.ts";
import type { ServiceContext } from "./service-context.ts";
import { writeMessage } from "./stream-write.ts";
import { unary } from "./unary.ts";

type KeepAliveCall = grpc.ServerDuplexStream<{ ID: Int64 }, WireLeaseKeepAliveResponse>;

function keepAliveStream(ctx: ServiceContext, call: KeepAliveCall): void {
  let queue: Promise<void> = Promise.resolve();
  let closed = false;
  const untrack = ctx.track(() => {
    closed = true;
    call.end();
  });
  const finish = () => {
    closed = true;
    untrack();
  };
  const renew = async (id: number): Promise<void> => {
    let ttl: number;
    try {
      ttl = await ctx.kv.leaseKeepAlive(id);
    } catch (err) {
      // etcd answers a renewal of an unknown lease with TTL 0 rather than an error.
      if (!(err instanceof LeaseNotFoundError)) throw err;
      ttl = 0;
    }
    if (closed) return;
    const res = { header: await ctx.currentHeader(), ID: id, TTL: ttl };
    await writeMessage(call, res);
  };
  call.on("data", (req: { ID: Int64 }) => {
    queue = queue
      .then(() => renew(num(req.ID)))
      .catch((err: unknown) => {
        finish();
        call.destroy(err instanceof Error ? err : new Error(String(err)));
      });
  });
  call.on("end", () => {
    finish();
    call.end();
  });
  call.on("error", finish);
  call.on("close", finish);
  call.on("cancelled", finish);
}

export function leaseService(ctx: ServiceContext): grpc.UntypedServiceImplementation {
  return {
    LeaseGrant: unary<{ TTL: Int64; ID: Int64 }, WireLeaseGrantResponse>(async (req) => {
      const ttl = num(req.TTL);
      if (ttl > maxLeaseTtl) throw new EtcdRpcError(rpcErrors.leaseTtlTooLarge);
      const id = num(req.ID);
      const grant = await ctx.kv.leaseGrant(ttl, id !== 0 ? id : undefined);
      return { header: await ctx.currentHeader(), ID: grant.id, TTL: grant.ttl, error: "" };
    }),

    LeaseRevoke: unary<{ ID: Int64 }, { header: WireHeader }>(async (req) => {
      await ctx.kv.leaseRevoke(num(req.ID));
      return { header: await ctx.currentHeader() };
    }),

    LeaseKeepAlive: (call: KeepAliveCall) => keepAliveStream(ctx, call),

    LeaseTimeToLive: unary<{ ID: Int64; keys: boolean }, WireLeaseTimeToLiveResponse>(async (req) => {
      const id = num(req.ID);
      const header = await ctx.currentHeader();
      try {
        const info = await ctx.kv.leaseTimeToLive(id, req.keys === true);
        return {
          header,
          ID: id,
          TTL: info.ttl,
          grantedTTL: info.grantedTtl,
          keys: info.ttl < 0 ? [] : info.keys,
        };
      } catch (err) {
        // etcd reports an unknown lease as already expired: TTL -1.
        if (!(err instanceof LeaseNotFoundError)) throw err;
        return { header, ID: id, TTL: -1, grantedTTL: 0, keys: [] };
      }
    }),

    LeaseLeases: unary<Record<string, never>, WireLeaseLeasesResponse>(async () => {
      const ids = await ctx.kv.leases();
      return { header: await ctx.currentHeader(), leases: ids.map((id) => ({ ID: id })) };
    }),
  };
}
