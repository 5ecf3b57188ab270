// The storage contract: a key/value store with etcd v3 semantics (revisions, ranges,
// transactions, watches, compaction, leases). Upstream reference: etcd-io/etcd
// api/etcdserverpb/rpc.proto and server/mvcc. Keys and values are bytes, compared bytewise.

/** One key at one revision, as etcd's mvccpb.KeyValue. */
export interface KeyValue {
  key: Uint8Array;
  /** Empty for keys-only ranges. */
  value: Uint8Array;
  /** Revision of the write that created the key (since its last deletion). */
  createRevision: number;
  /** Revision of the last write to the key. */
  modRevision: number;
  /** Number of writes since creation; a delete resets it to 0. */
  version: number;
  /** Lease the key is attached to, 0 for none. */
  lease: number;
}

/** Which keys an operation touches: one key, or the half-open range [key, end). */
export interface KeyRange {
  key: Uint8Array;
  /**
   * Exclusive end. Absent: only `key`. `"\0"` (one zero byte): every key >= `key`, as etcd.
   * Use `prefixEnd(key)` for a prefix.
   */
  end?: Uint8Array;
}

export type SortOrder = "none" | "ascend" | "descend";
export type SortTarget = "key" | "version" | "create" | "mod" | "value";

export interface RangeOptions {
  /** 0 or absent: no limit. */
  limit?: number;
  /** Read as of this revision; 0 or absent: the current one. */
  revision?: number;
  keysOnly?: boolean;
  countOnly?: boolean;
  sortOrder?: SortOrder;
  sortTarget?: SortTarget;
}

export interface RangeResult {
  kvs: KeyValue[];
  /** True when `limit` cut the result. */
  more: boolean;
  /** Number of keys in the range (ignoring limit). */
  count: number;
  /** The store's revision when the range was served. */
  revision: number;
}

export interface PutOptions {
  lease?: number;
  prevKv?: boolean;
  /** Keep the current value (etcd's ignore_value); the key must exist. */
  ignoreValue?: boolean;
  /** Keep the current lease (etcd's ignore_lease); the key must exist. */
  ignoreLease?: boolean;
}

export interface PutResult {
  revision: number;
  prevKv?: KeyValue;
}

export interface DeleteResult {
  revision: number;
  deleted: number;
  prevKvs: KeyValue[];
}

export type CompareTarget = "version" | "create" | "mod" | "value" | "lease";
export type CompareResult = "=" | "!=" | "<" | ">";

/** One guard of a transaction, as etcd's Compare. */
export interface Compare extends KeyRange {
  target: CompareTarget;
  result: CompareResult;
  /** A number for version/create/mod/lease, bytes for value. */
  value: number | Uint8Array;
}

export type TxnOp =
  | ({ type: "range" } & KeyRange & { options?: RangeOptions })
  | { type: "put"; key: Uint8Array; value: Uint8Array; options?: PutOptions }
  | ({ type: "delete" } & KeyRange & { prevKv?: boolean })
  | { type: "txn"; compare: Compare[]; success: TxnOp[]; failure: TxnOp[] };

export type TxnOpResult =
  | { type: "range"; result: RangeResult }
  | { type: "put"; result: PutResult }
  | { type: "delete"; result: DeleteResult }
  | { type: "txn"; result: TxnResult };

export interface TxnResult {
  succeeded: boolean;
  revision: number;
  results: TxnOpResult[];
}

export type EventType = "put" | "delete";

export interface WatchEvent {
  type: EventType;
  /** After the write; for a delete, the key with modRevision = the delete's revision and no value. */
  kv: KeyValue;
  /** Before the write, when asked for with `prevKv`. */
  prevKv?: KeyValue;
}

export interface WatchOptions {
  /** First revision to deliver; 0 or absent: only changes after now. */
  startRevision?: number;
  prevKv?: boolean;
  /** Event types to leave out, as etcd's filters. */
  filters?: EventType[];
  /** Closing the signal ends the watch. */
  signal?: AbortSignal;
}

/** A batch of events from one revision or a run of revisions, in order. */
export interface WatchBatch {
  events: WatchEvent[];
  /** The store's revision when the batch was sent (etcd's header.revision). */
  revision: number;
}

/**
 * A running watch: iterate for event batches. The iterator throws `CompactedError` when
 * `startRevision` has been compacted, and `WatchCancelledError` when the watcher fell too far
 * behind (resume from `lastRevision + 1`).
 */
export interface Watch extends AsyncIterable<WatchBatch> {
  /** Ask for a progress notification: an empty batch carrying the current revision. */
  requestProgress(): void;
  close(): void;
  /**
   * The batches already queued for the iterator, taken synchronously (they are then not
   * iterated). A store whose writes publish before they resolve offers it, so that a consumer
   * can handle every write committed together before any writer's caller resumes.
   */
  takeQueued?(): WatchBatch[];
}

export interface LeaseGrant {
  id: number;
  ttl: number;
}

export interface LeaseInfo {
  id: number;
  /** Seconds left; -1 once expired or revoked. */
  ttl: number;
  grantedTtl: number;
  keys: Uint8Array[];
}

export interface StoreStatus {
  revision: number;
  compactRevision: number;
  /** Bytes on disk (database file plus its write-ahead log), 0 if unknown. */
  dbSize: number;
  /** Bytes in use inside the database, 0 if unknown. */
  dbSizeInUse: number;
}

/** The store. Every write bumps the global revision once, however many keys it touches. */
export interface KV {
  range(range: KeyRange, options?: RangeOptions): Promise<RangeResult>;
  put(key: Uint8Array, value: Uint8Array, options?: PutOptions): Promise<PutResult>;
  delete(range: KeyRange, options?: { prevKv?: boolean }): Promise<DeleteResult>;
  /** All compares hold: run `success`, else `failure`; atomically, at one revision. */
  txn(compare: Compare[], success: TxnOp[], failure: TxnOp[]): Promise<TxnResult>;
  watch(range: KeyRange, options?: WatchOptions): Watch;
  /** Drop history before `revision`; reads and watches below it fail with CompactedError. */
  compact(revision: number): Promise<void>;
  leaseGrant(ttl: number, id?: number): Promise<LeaseGrant>;
  leaseRevoke(id: number): Promise<void>;
  /** Renew the lease; returns its TTL. Throws LeaseNotFoundError. */
  leaseKeepAlive(id: number): Promise<number>;
  leaseTimeToLive(id: number, withKeys?: boolean): Promise<LeaseInfo>;
  leases(): Promise<number[]>;
  status(): Promise<StoreStatus>;
  close(): Promise<void>;
}
