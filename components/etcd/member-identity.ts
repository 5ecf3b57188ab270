// Who this single-member "cluster" says it is: stable cluster and member IDs derived from the
// member name (etcd derives them from peer URLs and the cluster token), and response headers.
import type { WireHeader } from "../../storage/etcd/wire.ts";

export interface MemberIdentity {
  name: string;
  /** uint64 as a decimal string. */
  clusterId: string;
  /** uint64 as a decimal string. */
  memberId: string;
  /** Raft term: a lone member that never changed leader stays in its first elected term. */
  raftTerm: number;
}

/** 64-bit FNV-1a, never 0 (etcd treats ID 0 as "none"). */
function fnv64(text: string): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash === 0n ? 1n : hash;
}

export function memberIdentity(name: string): MemberIdentity {
  return {
    name,
    clusterId: fnv64(`kube-etcd-cluster/${name}`).toString(),
    memberId: fnv64(`kube-etcd-member/${name}`).toString(),
    raftTerm: 2,
  };
}

export function responseHeader(identity: MemberIdentity, revision: number): WireHeader {
  return {
    cluster_id: identity.clusterId,
    member_id: identity.memberId,
    revision,
    raft_term: identity.raftTerm,
  };
}
