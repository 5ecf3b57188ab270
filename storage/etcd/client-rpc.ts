// One gRPC channel to etcd as the client's calls use it: unary calls by service and method name
// (tracking the highest revision seen), bidi streams, errors turned into storage/errors.ts classes.
import * as grpc from "@grpc/grpc-js";
import { StoreClosedError } from "../errors.ts";
import type { ErrorContext } from "./grpc-errors.ts";
import { etcdServices } from "./proto.ts";
import { num } from "./wire.ts";

const services = etcdServices();
export type EtcdService = keyof typeof services;

function method(service: EtcdService, name: string): grpc.MethodDefinition<object, object> {
  const definition = services[service].service[name];
  if (!definition) throw new Error(`etcd proto: method ${service}.${name} is missing`);
  return definition;
}

/** A gRPC error as the server would have sent it, for answers etcd encodes in the response. */
export function serviceError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });
}

export class EtcdRpc {
  private isClosed = false;
  /** The highest store revision any response has shown this client (see ClientWatch). */
  seenRevision = 0;

  constructor(
    private readonly client: grpc.Client,
    /** Turns a failed call's error into a storage error (it may ask the server for revisions). */
    private readonly translate: (err: unknown, context: ErrorContext) => Promise<Error>,
  ) {}

  get closed(): boolean {
    return this.isClosed;
  }

  unary<Res>(service: EtcdService, name: string, request: object, context: ErrorContext = {}): Promise<Res> {
    if (this.isClosed) return Promise.reject(new StoreClosedError());
    const definition = method(service, name);
    return new Promise<Res>((resolve, reject) => {
      this.client.makeUnaryRequest(
        definition.path,
        definition.requestSerialize,
        definition.responseDeserialize,
        request,
        (err, response) => {
          if (err) {
            this.translate(err, context).then(reject, reject);
            return;
          }
          const revision = num(
            (response as { header?: { revision?: string } } | undefined)?.header?.revision,
          );
          if (revision > this.seenRevision) this.seenRevision = revision;
          resolve(response as Res);
        },
      );
    });
  }

  /** Opens a bidirectional stream (Watch, LeaseKeepAlive); callers check `closed` first. */
  bidi<Req, Res>(service: EtcdService, name: string): grpc.ClientDuplexStream<Req, Res> {
    const definition = method(service, name);
    return this.client.makeBidiStreamRequest(
      definition.path,
      definition.requestSerialize,
      definition.responseDeserialize,
    ) as unknown as grpc.ClientDuplexStream<Req, Res>;
  }

  close(): void {
    this.isClosed = true;
    this.client.close();
  }
}
