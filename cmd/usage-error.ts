// A mistake in how kube was invoked (unknown flag or command, bad flag value). The outer
// runner in cmd/main.ts prints it as one line pointing at --help and exits with status 2.

export class UsageError extends Error {
  override name = "UsageError";
}
