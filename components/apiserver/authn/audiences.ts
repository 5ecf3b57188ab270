// Audience sets (upstream's authenticator.Audiences.Intersect): the audiences of a token that
// the caller also accepts, in the caller's order.

export function intersectAudiences(ours: readonly string[], theirs: readonly string[]): string[] {
  const wanted = new Set(ours);
  return theirs.filter((a) => wanted.has(a));
}
