// Loads the etcd v3 gRPC definitions (assets/etcd/*.proto) from text embedded at build time, so
// the compiled binary needs no .proto files on disk; shared by the gRPC server and client.
import * as grpc from "@grpc/grpc-js";
import { fromJSON, type Options } from "@grpc/proto-loader";
import { parse, Root } from "protobufjs";
import kvProto from "../../assets/etcd/kv.proto" with { type: "text" };
import rpcProto from "../../assets/etcd/rpc.proto" with { type: "text" };

/**
 * How messages look in JavaScript: snake_case field names as in the .proto, 64-bit integers as
 * decimal strings (etcd lease IDs use all 63 bits), enums by name, bytes as Buffers, and the
 * name of the set member of each oneof in a field named after the oneof.
 */
const loaderOptions: Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

export interface EtcdServices {
  KV: grpc.ServiceClientConstructor;
  Watch: grpc.ServiceClientConstructor;
  Lease: grpc.ServiceClientConstructor;
  Cluster: grpc.ServiceClientConstructor;
  Maintenance: grpc.ServiceClientConstructor;
}

let cached: EtcdServices | undefined;

/** The etcdserverpb services, parsed once per process. */
export function etcdServices(): EtcdServices {
  if (cached) return cached;
  const root = new Root();
  parse(kvProto, root, { keepCase: true });
  parse(rpcProto, root, { keepCase: true });
  root.resolveAll();
  const definition = fromJSON(root.toJSON(), loaderOptions);
  const loaded = grpc.loadPackageDefinition(definition);
  const pkg = loaded.etcdserverpb as grpc.GrpcObject;
  const service = (name: string): grpc.ServiceClientConstructor => {
    const ctor = pkg[name];
    if (typeof ctor !== "function") throw new Error(`etcd proto: service etcdserverpb.${name} is missing`);
    return ctor as grpc.ServiceClientConstructor;
  };
  cached = {
    KV: service("KV"),
    Watch: service("Watch"),
    Lease: service("Lease"),
    Cluster: service("Cluster"),
    Maintenance: service("Maintenance"),
  };
  return cached;
}
