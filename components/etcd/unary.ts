// Adapts an async request handler to a grpc-js unary handler, answering errors with etcd's statuses.
import type * as grpc from "@grpc/grpc-js";
import { toServiceError } from "./grpc-error.ts";

export function unary<Req, Res>(
  handler: (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    handler(call.request, call).then(
      (response) => callback(null, response),
      (err: unknown) => callback(toServiceError(err)),
    );
  };
}
