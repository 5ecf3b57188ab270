// Parsers for flag values that need more than a string: URL lists, numbers, durations, IPv4
// addresses and CIDRs (lib/net/ipv4.ts). They throw UsageErrors naming the flag, so a typo
// exits 2 with one line instead of failing later.

import { nthAddress as nthCidrAddress, parseIpv4, parseCidr as parseIpv4Cidr } from "../lib/net/ipv4.ts";
import { UsageError } from "./usage-error.ts";

/** A comma-separated list of http://, https:// or unix:// URLs, as etcd's --listen-client-urls. */
export function parseUrlList(flag: string, value: string): string[] {
  const urls = value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
  if (urls.length === 0) throw new UsageError(`--${flag} needs at least one URL`);
  for (const url of urls) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new UsageError(`invalid URL "${url}" in --${flag}`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:" && parsed.protocol !== "unix:") {
      throw new UsageError(`unsupported URL "${url}" in --${flag}: only http://, https:// and unix://`);
    }
  }
  return urls;
}

/** A positive whole number. */
export function parsePositiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0) {
    throw new UsageError(`invalid value "${value}" for --${flag}: want a positive whole number`);
  }
  return n;
}

/** A TCP port, 0 to 65535 (0: pick a free one). */
export function parsePort(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 65535) {
    throw new UsageError(`invalid value "${value}" for --${flag}: want a port number from 0 to 65535`);
  }
  return n;
}

/** Go-style durations as upstream flags take them: "20s", "1m30s", "500ms". */
export function parseDuration(flag: string, value: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (!parts.length || parts.map((p) => p[0]).join("") !== value.trim())
    throw new UsageError(`invalid value "${value}" for --${flag}: want a duration such as 20s or 1m`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * (units[p[2] as string] ?? 0), 0);
}

/** An IPv4 address such as 10.0.0.1, returned as given. */
export function parseIpAddress(flag: string, value: string): string {
  if (parseIpv4(value) === undefined)
    throw new UsageError(`invalid value "${value}" for --${flag}: want an IPv4 address`);
  return value;
}

/** An IPv4 CIDR such as 10.42.0.0/16, returned as given. */
export function parseCidr(flag: string, value: string): string {
  if (!parseIpv4Cidr(value.trim()))
    throw new UsageError(`invalid value "${value}" for --${flag}: want an IPv4 CIDR such as 10.42.0.0/16`);
  return value.trim();
}

/** The n-th address of an IPv4 CIDR (upstream puts kube-dns at the 10th of the service range). */
export function nthAddress(flag: string, cidr: string, n: number): string {
  const prefix = parseIpv4Cidr(parseCidr(flag, cidr));
  const address = prefix && nthCidrAddress(prefix, n);
  if (address === undefined)
    throw new UsageError(`--${flag} ${cidr} is too small: it has no address number ${n}`);
  return address;
}
