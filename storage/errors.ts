// Errors of the storage contract. Messages follow etcd's where etcd has one (etcd-io/etcd
// api/v3rpc/rpctypes/error.go), and name the revisions involved so a reader can act on them.

/** Base class so callers can tell storage errors from bugs. */
export class StorageError extends Error {
  override name = "StorageError";
}

/** A read or watch asked for history that compaction removed. */
export class CompactedError extends StorageError {
  override name = "CompactedError";
  constructor(
    readonly requested: number,
    readonly compacted: number,
  ) {
    super(
      `mvcc: required revision has been compacted: revision ${requested} is older than the compacted revision ${compacted}`,
    );
  }
}

/** A read asked for a revision the store has not reached. */
export class FutureRevisionError extends StorageError {
  override name = "FutureRevisionError";
  constructor(
    readonly requested: number,
    readonly current: number,
  ) {
    super(
      `mvcc: required revision is a future revision: revision ${requested} is newer than the current revision ${current}`,
    );
  }
}

export class LeaseNotFoundError extends StorageError {
  override name = "LeaseNotFoundError";
  constructor(readonly id: number) {
    super(`etcdserver: requested lease not found (lease ${id.toString(16)})`);
  }
}

export class LeaseExistsError extends StorageError {
  override name = "LeaseExistsError";
  constructor(readonly id: number) {
    super(`etcdserver: lease already exists (lease ${id.toString(16)})`);
  }
}

/** A watcher fell too far behind the writers and was cut off; resume from lastRevision + 1. */
export class WatchCancelledError extends StorageError {
  override name = "WatchCancelledError";
  constructor(
    readonly lastRevision: number,
    reason: string,
  ) {
    super(
      `watch cancelled after revision ${lastRevision}: ${reason}; resume from revision ${lastRevision + 1}`,
    );
  }
}

/** A request etcd would reject as malformed (gRPC InvalidArgument). */
export class InvalidArgumentError extends StorageError {
  override name = "InvalidArgumentError";
}

/** The request is over the size limit (etcd's --max-request-bytes, 1.5 MiB by default). */
export class RequestTooLargeError extends StorageError {
  override name = "RequestTooLargeError";
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`etcdserver: request is too large (${size} bytes, the limit is ${limit} bytes)`);
  }
}

/** The data directory is held by another process. */
export class StoreLockedError extends StorageError {
  override name = "StoreLockedError";
}

/** The store was closed. */
export class StoreClosedError extends StorageError {
  override name = "StoreClosedError";
  constructor() {
    super("storage: the store is closed");
  }
}
