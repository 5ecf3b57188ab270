// One GET read by curl, timed by curl: a client that is not Bun, reading the body as kubectl's Go
// client does (no decode). Bun's fetch spends ~200 ms of CPU on any chunked 17 MB body, so a large
// LIST timed with fetch measures fetch.

/** curl on PATH, if there is one. */
export const curlPath = Bun.which("curl");

/** The wall time curl measures for a GET of `url` (request sent → last byte read), ms. */
export async function curlTime(url: string, accept?: string): Promise<number> {
  const headers = accept ? ["-H", `Accept: ${accept}`] : [];
  const proc = Bun.spawn(
    [curlPath ?? "curl", "-sS", "-f", "-o", "/dev/null", "-w", "%{time_total}", ...headers, url],
    {
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`curl ${url}: exit ${code}: ${err.trim()}`);
  return Number(out) * 1000;
}
