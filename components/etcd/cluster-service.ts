// etcdserverpb.Cluster: MemberList reports this one member. There is no raft peer; the peer
// URLs reported are the client URLs, the only addresses that reach this member.
import type * as grpc from "@grpc/grpc-js";
import type { WireHeader, WireMember } from "../../storage/etcd/wire.ts";
import type { ServiceContext } from "./service-context.ts";
import { unary } from "./unary.ts";

export function clusterService(ctx: ServiceContext): grpc.UntypedServiceImplementation {
  return {
    MemberList: unary<Record<string, never>, { header: WireHeader; members: WireMember[] }>(async () => {
      const urls = ctx.clientUrls();
      return {
        header: await ctx.currentHeader(),
        members: [
          {
            ID: ctx.identity.memberId,
            name: ctx.identity.name,
            peerURLs: urls,
            clientURLs: urls,
            isLearner: false,
          },
        ],
      };
    }),
  };
}
