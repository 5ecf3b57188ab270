// The request path as a filter chain (upstream's DefaultBuildHandlerChain): each filter wraps
// the next handler. Order, outermost first: request info, authentication, audit,
// impersonation, in-flight limit, authorization, then the API handler.

export type Handler = (req: Request) => Promise<Response>;
export type Filter = (next: Handler) => Handler;

/** `chain(h, a, b)` runs a, then b, then h. */
export function chain(handler: Handler, ...filters: Filter[]): Handler {
  return filters.reduceRight<Handler>((next, filter) => filter(next), handler);
}
