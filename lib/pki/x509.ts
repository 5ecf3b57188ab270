// @peculiar/x509 for callers that need more of a certificate than parseCertificate gives, loaded
// on first use (it takes ~100 ms to load), after the Reflect metadata it needs
// (reflect-metadata.ts), bound to WebCrypto. lib/pki itself encodes with der.ts.
import { installReflectMetadata } from "./reflect-metadata.ts";

type X509 = typeof import("@peculiar/x509");
let loaded: X509 | undefined;

export function loadX509(): X509 {
  if (!loaded) {
    installReflectMetadata();
    const x509: X509 = require("@peculiar/x509");
    x509.cryptoProvider.set(crypto);
    loaded = x509;
  }
  return loaded;
}

/** The library as a namespace that loads on first property access. */
export const x509: X509 = new Proxy({} as X509, {
  get: (_target, property) => Reflect.get(loadX509(), property),
});
