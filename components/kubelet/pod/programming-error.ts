// Tells a bug from a condition worth retrying: a ReferenceError, or a TypeError without a system
// error code (Bun's fetch and node:fs failures carry one, e.g. ECONNREFUSED), is a bug, as a nil
// dereference panics a Go kubelet; the pod worker crashes the kubelet on one.

export function isProgrammingError(error: unknown): error is Error {
  if (error instanceof ReferenceError) return true;
  return error instanceof TypeError && (error as { code?: unknown }).code === undefined;
}
