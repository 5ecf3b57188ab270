// The etcd client's Lease service calls (clientv3's Lease): grant with an ID below 2^53, revoke,
// one keep-alive round trip, time-to-live and the list; etcd's in-response errors become errors.
import * as grpc from "@grpc/grpc-js";
import { LeaseExistsError, StoreClosedError } from "../errors.ts";
import type { LeaseGrant, LeaseInfo } from "../kv.ts";
import { type EtcdRpc, serviceError } from "./client-rpc.ts";
import { toStorageError } from "./grpc-errors.ts";
import { LeaseIds } from "./lease-ids.ts";
import { rpcErrors } from "./rpc-errors.ts";
import {
  num,
  plainBytes,
  type WireLeaseGrantResponse,
  type WireLeaseKeepAliveResponse,
  type WireLeaseLeasesResponse,
  type WireLeaseTimeToLiveResponse,
} from "./wire.ts";

export class EtcdLeases {
  constructor(
    private readonly rpc: EtcdRpc,
    private readonly leaseIds: LeaseIds,
  ) {}

  async grant(ttl: number, id?: number): Promise<LeaseGrant> {
    // Pick the ID ourselves (etcd honours a requested ID) so it stays below 2^53.
    for (let attempt = 0; ; attempt++) {
      const wanted = id ?? LeaseIds.random();
      try {
        const res = await this.rpc.unary<WireLeaseGrantResponse>(
          "Lease",
          "LeaseGrant",
          { TTL: ttl, ID: this.leaseIds.toWire(wanted) },
          { lease: wanted },
        );
        if (res.error)
          throw toStorageError(serviceError(grpc.status.FAILED_PRECONDITION, res.error), { lease: wanted });
        return { id: this.leaseIds.fromWire(res.ID), ttl: num(res.TTL) };
      } catch (err) {
        if (id !== undefined || !(err instanceof LeaseExistsError) || attempt >= 3) throw err;
      }
    }
  }

  async revoke(id: number): Promise<void> {
    await this.rpc.unary("Lease", "LeaseRevoke", { ID: this.leaseIds.toWire(id) }, { lease: id });
  }

  /** One renewal over a fresh LeaseKeepAlive stream; the TTL etcd granted. */
  async keepAlive(id: number): Promise<number> {
    if (this.rpc.closed) throw new StoreClosedError();
    const call = this.rpc.bidi<{ ID: string | number }, WireLeaseKeepAliveResponse>(
      "Lease",
      "LeaseKeepAlive",
    );
    try {
      const res = await new Promise<WireLeaseKeepAliveResponse>((resolve, reject) => {
        call.once("data", resolve);
        call.once("error", (err: Error) => reject(toStorageError(err, { lease: id })));
        call.once("end", () =>
          reject(new Error("etcd client: the keep-alive stream ended without an answer")),
        );
        call.write({ ID: this.leaseIds.toWire(id) });
      });
      const ttl = num(res.TTL);
      // etcd answers a renewal of an unknown or expired lease with TTL 0.
      if (ttl <= 0)
        throw toStorageError(serviceError(grpc.status.NOT_FOUND, rpcErrors.leaseNotFound.message), {
          lease: id,
        });
      return ttl;
    } finally {
      call.removeAllListeners("error");
      call.on("error", () => {});
      call.cancel();
    }
  }

  async timeToLive(id: number, withKeys = false): Promise<LeaseInfo> {
    const res = await this.rpc.unary<WireLeaseTimeToLiveResponse>(
      "Lease",
      "LeaseTimeToLive",
      { ID: this.leaseIds.toWire(id), keys: withKeys },
      { lease: id },
    );
    return {
      id,
      ttl: num(res.TTL),
      grantedTtl: num(res.grantedTTL),
      keys: (res.keys ?? []).map(plainBytes),
    };
  }

  async list(): Promise<number[]> {
    const res = await this.rpc.unary<WireLeaseLeasesResponse>("Lease", "LeaseLeases", {});
    return (res.leases ?? []).map((l) => this.leaseIds.fromWire(l.ID));
  }
}
