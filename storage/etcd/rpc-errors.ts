// etcd's gRPC error statuses (code and message), as etcd 3.4 sends them
// (etcd-io/etcd api/v3rpc/rpctypes/error.go); clients match on the message text.
import { status } from "@grpc/grpc-js";

export interface RpcError {
  code: status;
  message: string;
}

function rpc(code: status, message: string): RpcError {
  return { code, message };
}

export const rpcErrors = {
  emptyKey: rpc(status.INVALID_ARGUMENT, "etcdserver: key is not provided"),
  keyNotFound: rpc(status.INVALID_ARGUMENT, "etcdserver: key not found"),
  valueProvided: rpc(status.INVALID_ARGUMENT, "etcdserver: value is provided"),
  leaseProvided: rpc(status.INVALID_ARGUMENT, "etcdserver: lease is provided"),
  tooManyOps: rpc(status.INVALID_ARGUMENT, "etcdserver: too many operations in txn request"),
  duplicateKey: rpc(status.INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request"),
  compacted: rpc(status.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted"),
  futureRev: rpc(status.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision"),
  leaseNotFound: rpc(status.NOT_FOUND, "etcdserver: requested lease not found"),
  leaseExist: rpc(status.FAILED_PRECONDITION, "etcdserver: lease already exists"),
  leaseTtlTooLarge: rpc(status.OUT_OF_RANGE, "etcdserver: too large lease TTL"),
  requestTooLarge: rpc(status.INVALID_ARGUMENT, "etcdserver: request is too large"),
  watchCanceled: rpc(status.CANCELLED, "etcdserver: watch canceled"),
  notCapable: rpc(status.UNIMPLEMENTED, "etcdserver: not capable"),
} as const;

/** etcd's limit on operations per txn branch (--max-txn-ops). */
export const maxTxnOps = 128;
/** etcd's default --max-request-bytes. */
export const defaultMaxRequestBytes = 1.5 * 1024 * 1024;
/** etcd's largest lease TTL in seconds (lease.MaxLeaseTTL). */
export const maxLeaseTtl = 9_000_000_000;

/** Thrown by request validation to answer with one of etcd's statuses as is. */
export class EtcdRpcError extends Error {
  override name = "EtcdRpcError";
  constructor(readonly rpc: RpcError) {
    super(rpc.message);
  }
}
