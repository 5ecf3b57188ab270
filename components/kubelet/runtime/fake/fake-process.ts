// The processes the fake runtime hands out for exec and attach: no program runs; output is empty.
// An exec exits 0 at once; an attach stays open until its container exits (or is detached).

import { PassThrough, Writable } from "node:stream";
import type { ExecProcess } from "../runtime.ts";

export interface FakeProcessOptions {
  stdin: boolean;
  tty: boolean;
  /** Resolves with the exit code that ends the process; absent: it exits 0 at once. */
  exit?: Promise<number>;
}

const discard = (): Writable =>
  new Writable({
    write: (_chunk, _encoding, callback) => callback(),
  });

export function createFakeProcess(options: FakeProcessOptions): ExecProcess {
  const stdout = new PassThrough();
  const stderr = options.tty ? undefined : new PassThrough();
  const exited = Promise.withResolvers<number>();
  const finish = (code: number): void => {
    stdout.end();
    stderr?.end();
    exited.resolve(code);
  };
  if (options.exit === undefined) finish(0);
  else options.exit.then(finish);
  return {
    stdin: options.stdin ? discard() : undefined,
    stdout,
    stderr,
    exited: exited.promise,
    resize: () => {},
    // Nothing runs to be killed: ending the fake process is detaching from it.
    kill: () => finish(0),
  };
}
