// What the resource store needs from the server: the clock, admission, and the metadata rules
// every object is validated against (the parts of the ApiContext a write uses).
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import type { Admission } from "../admission/admission-interface.ts";
import type { KObject } from "./object.ts";
import type { Entry } from "./registry.ts";

export interface WriteContext {
  now(): Date;
  admission: Admission;
  /** Extra validation causes for every object (metadata rules), before the kind's own. */
  validateMeta(entry: Entry, obj: KObject): StatusCause[];
}
