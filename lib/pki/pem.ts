// PEM armour (RFC 7468): DER bytes between "-----BEGIN <label>-----" lines, base64 in 64-column
// lines, as openssl and Go's encoding/pem write it.

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

export function pemEncode(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64");
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

/** Every PEM block in `text`, in order; text outside blocks (openssl's "Bag Attributes") is ignored. */
export function pemDecode(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const body = (m[2] ?? "").replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw new Error(`PEM block "${m[1]}" is not valid base64`);
    blocks.push({ label: m[1] ?? "", der: new Uint8Array(Buffer.from(body, "base64")) });
  }
  return blocks;
}

/** The DER of every CERTIFICATE block (a CA bundle or a chain). */
export function certificatesFromPem(text: string): Uint8Array[] {
  return pemDecode(text)
    .filter((b) => b.label === "CERTIFICATE")
    .map((b) => b.der);
}
