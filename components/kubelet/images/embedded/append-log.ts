// A log file written the way log rotation expects: every line is appended with a fresh
// open(O_APPEND|O_CREAT), so truncating it (`cat /dev/null > access.log`) or removing it
// (even its directory) never loses later lines, as nginx's reopen-on-USR1 would otherwise need.

import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";

export interface AppendLog {
  readonly path: string;
  /** Queues one line; lines land in call order. */
  write(line: string): void;
  /** Resolves when every queued line is written. */
  flush(): Promise<void>;
}

/** `onError` hears about lines that could not be written (the server keeps serving). */
export function createAppendLog(path: string, onError: (error: Error) => void): AppendLog {
  let tail: Promise<void> = Promise.resolve();
  const append = async (text: string): Promise<void> => {
    try {
      await appendFile(path, text);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      await mkdir(dirname(path), { recursive: true });
      await appendFile(path, text);
    }
  };
  return {
    path,
    write: (line) => {
      tail = tail
        .then(() => append(`${line}\n`))
        .catch((error: unknown) => {
          onError(error instanceof Error ? error : new Error(String(error)));
        });
    },
    flush: () => tail,
  };
}
