// Thrown by subcommands whose component does not exist yet, so they say so instead of being
// silently missing. cmd/main.ts prints one line naming the issue that builds it and exits 2.

export class NotBuiltError extends Error {
  override name = "NotBuiltError";
  constructor(readonly issue: number) {
    super(`not built yet (issue ${issue}); see README.md "What works"`);
  }
}
