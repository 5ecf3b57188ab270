// Pod IPs from a node's IPv4 pod CIDR, as CNI's host-local IPAM hands them out: the network
// address and the first host (the bridge gateway) are never given, nor the broadcast address;
// released IPs are reused. Used by the fake runtime, so it costs O(1) per pod.

export interface IpPool {
  readonly cidr: string;
  /** The next free IP; throws when the CIDR is exhausted. */
  allocate(): string;
  release(ip: string): void;
}

function parseIPv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

const formatIPv4 = (value: number): string =>
  [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");

/** Throws for anything but an IPv4 CIDR with room for at least one pod (prefix up to /30). */
export function createIpPool(cidr: string): IpPool {
  const [address = "", prefixText = ""] = cidr.split("/");
  const base = parseIPv4(address);
  const prefix = Number(prefixText);
  if (base === undefined || !/^\d+$/.test(prefixText) || prefix > 30) {
    throw new Error(`invalid pod CIDR "${cidr}": want an IPv4 CIDR such as 10.244.0.0/16, at most /30`);
  }
  const size = 2 ** (32 - prefix);
  const network = base - (base % size);
  const first = network + 2;
  const last = network + size - 2;
  let next = first;
  const free: number[] = [];
  const inUse = new Set<number>();
  return {
    cidr,
    allocate: () => {
      const value = free.pop() ?? (next <= last ? next++ : undefined);
      if (value === undefined) throw new Error(`pod CIDR ${cidr} has no free IP (${inUse.size} in use)`);
      inUse.add(value);
      return formatIPv4(value);
    },
    release: (ip) => {
      const value = parseIPv4(ip);
      if (value !== undefined && inUse.delete(value)) free.push(value);
    },
  };
}
