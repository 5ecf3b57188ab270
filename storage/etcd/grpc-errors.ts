// Turns the gRPC statuses an etcd server answers with back into storage/errors.ts classes, by
// code and etcd's message text (as clientv3's rpctypes.Error does).
import { type ServiceError, status } from "@grpc/grpc-js";
import {
  CompactedError,
  FutureRevisionError,
  InvalidArgumentError,
  LeaseExistsError,
  LeaseNotFoundError,
  RequestTooLargeError,
  StorageError,
} from "../errors.ts";
import { defaultMaxRequestBytes, rpcErrors } from "./rpc-errors.ts";

export function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === "number";
}

/** What the failed request was about, to fill in the error's fields. */
export interface ErrorContext {
  /** The revision asked for (range, watch, compact). */
  revision?: number;
  /** The store's compacted revision, when known. */
  compactRevision?: number;
  /** The store's current revision, when known. */
  currentRevision?: number;
  lease?: number;
  /** Encoded request size, for RequestTooLargeError. */
  size?: number;
}

export type ErrorKind = "compacted" | "future" | "other";

/** Which revision facts `toStorageError` would like for this error. */
export function errorKind(err: unknown): ErrorKind {
  if (!isServiceError(err) || err.code !== status.OUT_OF_RANGE) return "other";
  if (err.details === rpcErrors.compacted.message) return "compacted";
  if (err.details === rpcErrors.futureRev.message) return "future";
  return "other";
}

export function toStorageError(err: unknown, context: ErrorContext = {}): Error {
  if (!isServiceError(err)) return err instanceof Error ? err : new Error(String(err));
  const details = err.details || err.message;
  switch (details) {
    case rpcErrors.compacted.message:
      return new CompactedError(context.revision ?? 0, context.compactRevision ?? 0);
    case rpcErrors.futureRev.message:
      return new FutureRevisionError(context.revision ?? 0, context.currentRevision ?? 0);
    case rpcErrors.leaseNotFound.message:
      return new LeaseNotFoundError(context.lease ?? 0);
    case rpcErrors.leaseExist.message:
      return new LeaseExistsError(context.lease ?? 0);
    case rpcErrors.requestTooLarge.message:
      return new RequestTooLargeError(context.size ?? 0, defaultMaxRequestBytes);
  }
  if (err.code === status.RESOURCE_EXHAUSTED && /larger than max/i.test(details)) {
    return new RequestTooLargeError(context.size ?? 0, defaultMaxRequestBytes);
  }
  if (err.code === status.INVALID_ARGUMENT) return new InvalidArgumentError(details);
  const failure = new StorageError(`etcd: ${status[err.code] ?? err.code}: ${details}`);
  failure.cause = err;
  return failure;
}
