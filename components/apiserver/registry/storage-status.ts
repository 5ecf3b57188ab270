// Storage errors as the API Statuses upstream's etcd3 store returns for them: a compacted
// revision is 410 Expired (with the continue-token wording for a paged list), a revision ahead
// of the store is 504 "Too large resource version".
import { StatusError } from "../../../lib/errors/status-error.ts";
import { CompactedError, FutureRevisionError } from "../../../storage/errors.ts";
import type { KObject } from "./object.ts";

/** The Status object a watch sends (as an ERROR event) when its revision was compacted. */
export function expiredStatus(requested: number, compacted: number): KObject {
  return StatusError.expired(`too old resource version: ${requested} (${compacted})`)
    .status as unknown as KObject;
}

/** The StatusError for a storage error of a list (`continuing`: the list carried a continue token). */
export function mapStorageError(err: unknown, continuing: boolean): unknown {
  if (err instanceof CompactedError) {
    return continuing
      ? StatusError.expired(
          "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
        )
      : StatusError.expired(`too old resource version: ${err.requested} (${err.compacted})`);
  }
  if (err instanceof FutureRevisionError) {
    return StatusError.of(
      504,
      "Timeout",
      `Too large resource version: ${err.requested}, current: ${err.current}`,
    );
  }
  return err;
}
