// Drives a Strategy the way the write pipeline does (registry/prepare-write.ts): defaults then
// prepareForCreate then validate on create; defaults, prepareForUpdate, validate and
// validateUpdate on update. For the tests beside each strategy.
import type { KObject, Stored } from "../registry/object.ts";
import type { Strategy } from "../registry/strategy.ts";

const NOW = new Date("2026-01-02T03:04:05Z");

/** A created object as it would be stored (metadata as the pipeline sets it before defaults). */
export function created(strategy: Strategy, body: KObject, uid = "0000-uid"): Stored {
  const obj = structuredClone(body) as Stored;
  obj.metadata = { ...(obj.metadata ?? {}), uid };
  if (strategy.generation) obj.metadata.generation = 1;
  strategy.defaults?.(obj);
  strategy.prepareForCreate?.(obj, { now: NOW, subresource: "" });
  return obj;
}

/** Causes of a create as `field: message` lines. */
export function createErrors(strategy: Strategy, body: KObject): string[] {
  const obj = created(strategy, body);
  return (strategy.validate?.(obj) ?? []).map((c) => `${c.field}: ${c.message}`);
}

/** The object after an update of the main resource (status restored from old when asked). */
export function updated(strategy: Strategy, next: KObject, old: Stored, keepStatus = true): KObject {
  const obj = structuredClone(next);
  if (keepStatus) obj.status = structuredClone(old.status);
  strategy.defaults?.(obj);
  strategy.prepareForUpdate?.(obj, old, { now: NOW, subresource: "" });
  return obj;
}

/** Causes of an update as the pipeline collects them: validate plus validateUpdate. */
export function updateErrors(strategy: Strategy, next: KObject, old: Stored, keepStatus = true): string[] {
  const obj = updated(strategy, next, old, keepStatus);
  return [...(strategy.validate?.(obj) ?? []), ...(strategy.validateUpdate?.(obj, old) ?? [])].map(
    (c) => `${c.field}: ${c.message}`,
  );
}
