// The few Reflect metadata functions tsyringe (used inside @peculiar/x509) calls at load time,
// so that library runs without the reflect-metadata package: a WeakMap per target and key.
type Key = string | symbol | undefined;
type Values = Map<unknown, unknown>;
const store = new WeakMap<object, Map<Key, Values>>();

function own(target: object, key: Key): Values | undefined {
  return store.get(target)?.get(key);
}

function define(k: unknown, v: unknown, target: object, key?: Key): void {
  const byKey = store.get(target) ?? new Map<Key, Values>();
  store.set(target, byKey);
  const values = byKey.get(key) ?? new Map<unknown, unknown>();
  byKey.set(key, values);
  values.set(k, v);
}

function get(k: unknown, target: object, key?: Key): unknown {
  for (let t: object | null = target; t; t = Object.getPrototypeOf(t)) {
    const values = own(t, key);
    if (values?.has(k)) return values.get(k);
  }
  return undefined;
}

interface MetadataReflect {
  defineMetadata?: typeof define;
  getOwnMetadata?: (k: unknown, target: object, key?: Key) => unknown;
  getMetadata?: typeof get;
  metadata?: (k: unknown, v: unknown) => (target: object, key?: Key) => void;
}

/** Installs the functions unless a real polyfill already did. */
export function installReflectMetadata(): void {
  const r = Reflect as unknown as MetadataReflect;
  if (typeof r.getMetadata === "function") return;
  r.defineMetadata = define;
  r.getOwnMetadata = (k, target, key) => own(target, key)?.get(k);
  r.getMetadata = get;
  r.metadata = (k, v) => (target, key) => define(k, v, target, key);
}
