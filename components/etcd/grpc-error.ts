// Maps what a handler threw to the gRPC status etcd would answer with, so etcdctl and clientv3
// recognise the errors (they match on code and message; see storage/etcd/rpc-errors.ts).
import { type StatusObject, status } from "@grpc/grpc-js";
import {
  CompactedError,
  FutureRevisionError,
  InvalidArgumentError,
  LeaseExistsError,
  LeaseNotFoundError,
  RequestTooLargeError,
  StoreClosedError,
} from "../../storage/errors.ts";
import { EtcdRpcError, type RpcError, rpcErrors } from "../../storage/etcd/rpc-errors.ts";

export function toRpcError(err: unknown): RpcError {
  if (err instanceof EtcdRpcError) return err.rpc;
  if (err instanceof CompactedError) return rpcErrors.compacted;
  if (err instanceof FutureRevisionError) return rpcErrors.futureRev;
  if (err instanceof LeaseNotFoundError) return rpcErrors.leaseNotFound;
  if (err instanceof LeaseExistsError) return rpcErrors.leaseExist;
  if (err instanceof RequestTooLargeError) return rpcErrors.requestTooLarge;
  if (err instanceof InvalidArgumentError) {
    const known = Object.values(rpcErrors).find((e) => err.message.startsWith(e.message));
    return known ?? { code: status.INVALID_ARGUMENT, message: err.message };
  }
  if (err instanceof StoreClosedError) return { code: status.UNAVAILABLE, message: err.message };
  return { code: status.UNKNOWN, message: err instanceof Error ? err.message : String(err) };
}

export function toServiceError(err: unknown): Partial<StatusObject> {
  const rpc = toRpcError(err);
  return { code: rpc.code, details: rpc.message };
}
