// The etcd v3 messages as @grpc/proto-loader hands them over (see proto.ts): snake_case names,
// 64-bit integers as decimal strings when decoded (numbers are accepted when encoding), bytes as
// Uint8Array (Buffers when decoded), enums by name, and the set oneof member named in `request` etc.

/** An int64/uint64 field: a decimal string when decoded; a number or string when encoding. */
export type Int64 = string | number;

export interface WireHeader {
  cluster_id: Int64;
  member_id: Int64;
  revision: Int64;
  raft_term: Int64;
}

export interface WireKeyValue {
  key: Uint8Array;
  create_revision: Int64;
  mod_revision: Int64;
  version: Int64;
  value: Uint8Array;
  lease: Int64;
}

export type WireSortOrder = "NONE" | "ASCEND" | "DESCEND";
export type WireSortTarget = "KEY" | "VERSION" | "CREATE" | "MOD" | "VALUE";

export interface WireRangeRequest {
  key: Uint8Array;
  range_end?: Uint8Array;
  limit?: Int64;
  revision?: Int64;
  sort_order?: WireSortOrder;
  sort_target?: WireSortTarget;
  serializable?: boolean;
  keys_only?: boolean;
  count_only?: boolean;
  min_mod_revision?: Int64;
  max_mod_revision?: Int64;
  min_create_revision?: Int64;
  max_create_revision?: Int64;
}

export interface WireRangeResponse {
  header: WireHeader;
  kvs: WireKeyValue[];
  more: boolean;
  count: Int64;
}

export interface WirePutRequest {
  key: Uint8Array;
  value: Uint8Array;
  lease?: Int64;
  prev_kv?: boolean;
  ignore_value?: boolean;
  ignore_lease?: boolean;
}

export interface WirePutResponse {
  header: WireHeader;
  prev_kv?: WireKeyValue | null;
}

export interface WireDeleteRangeRequest {
  key: Uint8Array;
  range_end?: Uint8Array;
  prev_kv?: boolean;
}

export interface WireDeleteRangeResponse {
  header: WireHeader;
  deleted: Int64;
  prev_kvs: WireKeyValue[];
}

export interface WireRequestOp {
  request?: "request_range" | "request_put" | "request_delete_range" | "request_txn";
  request_range?: WireRangeRequest | null;
  request_put?: WirePutRequest | null;
  request_delete_range?: WireDeleteRangeRequest | null;
  request_txn?: WireTxnRequest | null;
}

export interface WireResponseOp {
  response?: "response_range" | "response_put" | "response_delete_range" | "response_txn";
  response_range?: WireRangeResponse | null;
  response_put?: WirePutResponse | null;
  response_delete_range?: WireDeleteRangeResponse | null;
  response_txn?: WireTxnResponse | null;
}

export type WireCompareResult = "EQUAL" | "GREATER" | "LESS" | "NOT_EQUAL";
export type WireCompareTarget = "VERSION" | "CREATE" | "MOD" | "VALUE" | "LEASE";

export interface WireCompare {
  result: WireCompareResult;
  target: WireCompareTarget;
  key: Uint8Array;
  range_end?: Uint8Array;
  target_union?: "version" | "create_revision" | "mod_revision" | "value" | "lease";
  version?: Int64;
  create_revision?: Int64;
  mod_revision?: Int64;
  value?: Uint8Array;
  lease?: Int64;
}

export interface WireTxnRequest {
  compare: WireCompare[];
  success: WireRequestOp[];
  failure: WireRequestOp[];
}

export interface WireTxnResponse {
  header: WireHeader;
  succeeded: boolean;
  responses: WireResponseOp[];
}

export interface WireCompactionRequest {
  revision: Int64;
  physical?: boolean;
}

export interface WireEvent {
  type: "PUT" | "DELETE";
  kv: WireKeyValue | null;
  prev_kv?: WireKeyValue | null;
}

export type WireFilterType = "NOPUT" | "NODELETE";

export interface WireWatchCreateRequest {
  key: Uint8Array;
  range_end?: Uint8Array;
  start_revision?: Int64;
  progress_notify?: boolean;
  filters?: WireFilterType[];
  prev_kv?: boolean;
  watch_id?: Int64;
  fragment?: boolean;
}

export interface WireWatchRequest {
  request_union?: "create_request" | "cancel_request" | "progress_request";
  create_request?: WireWatchCreateRequest | null;
  cancel_request?: { watch_id: Int64 } | null;
  progress_request?: Record<string, never> | null;
}

export interface WireWatchResponse {
  header: WireHeader;
  watch_id: Int64;
  created?: boolean;
  canceled?: boolean;
  compact_revision?: Int64;
  cancel_reason?: string;
  fragment?: boolean;
  events: WireEvent[];
}

export interface WireLeaseGrantResponse {
  header: WireHeader;
  ID: Int64;
  TTL: Int64;
  error: string;
}

export interface WireLeaseKeepAliveResponse {
  header: WireHeader;
  ID: Int64;
  TTL: Int64;
}

export interface WireLeaseTimeToLiveResponse {
  header: WireHeader;
  ID: Int64;
  TTL: Int64;
  grantedTTL: Int64;
  keys: Uint8Array[];
}

export interface WireLeaseLeasesResponse {
  header: WireHeader;
  leases: { ID: Int64 }[];
}

export interface WireMember {
  ID: Int64;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}

export interface WireStatusResponse {
  header: WireHeader;
  version: string;
  dbSize: Int64;
  leader: Int64;
  raftIndex: Int64;
  raftTerm: Int64;
  raftAppliedIndex: Int64;
  errors: string[];
  dbSizeInUse: Int64;
  isLearner: boolean;
}

/** A decoded int64 as a number; revisions and counts fit in 2^53. */
export function num(value: Int64 | undefined | null): number {
  if (value === undefined || value === null) return 0;
  return typeof value === "number" ? value : Number(value);
}

/** Decoded bytes as a plain Uint8Array copy (Buffers from the decoder share the message buffer). */
export function plainBytes(value: Uint8Array | undefined | null): Uint8Array {
  if (!value) return new Uint8Array(0);
  return new Uint8Array(value);
}
