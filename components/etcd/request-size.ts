// Remembers the encoded size of each decoded request, so handlers can refuse requests over
// --max-request-bytes with etcd's own error ("etcdserver: request is too large") rather than gRPC's.
import type * as grpc from "@grpc/grpc-js";

const sizes = new WeakMap<object, number>();

/** The encoded size of a request decoded by a service from `withRequestSizes`, 0 if unknown. */
export function requestSize(request: object): number {
  return sizes.get(request) ?? 0;
}

/** A copy of the service definition whose request decoders record message sizes. */
export function withRequestSizes(service: grpc.ServiceDefinition): grpc.ServiceDefinition {
  const wrapped: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const [method, definition] of Object.entries(service)) {
    const decode = definition.requestDeserialize;
    wrapped[method] = {
      ...definition,
      requestDeserialize: (buffer: Buffer) => {
        const request = decode(buffer);
        if (typeof request === "object" && request !== null) sizes.set(request, buffer.length);
        return request;
      },
    };
  }
  return wrapped;
}
