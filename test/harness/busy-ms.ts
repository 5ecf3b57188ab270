// Time a piece of code cost, for speed bounds in tests: the smaller of wall time and this
// process's CPU time, so time spent waiting for a CPU on a loaded machine is not counted.

/** Milliseconds `run` took, not counting time this process waited for a CPU. */
export function busyMs(run: () => void): number {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  run();
  const used = process.cpuUsage(cpu);
  return Math.min(performance.now() - wall, (used.user + used.system) / 1000);
}

/** The same for asynchronous work. */
export async function busyMsAsync(run: () => Promise<void>): Promise<number> {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  await run();
  const used = process.cpuUsage(cpu);
  return Math.min(performance.now() - wall, (used.user + used.system) / 1000);
}
