// The nftables data path: each sync renders the whole table and applies what differs from the
// last successful sync in one atomic `nft -f -` transaction; the first sync, the first after a
// failure and one every fullSyncIntervalMs (out-of-band edits repaired) rewrite the whole table.
// Cleanup deletes the table.

import { mustRun, runHostCommand } from "./host-command.ts";
import { renderRuleset, type TableContents } from "./nft-ruleset.ts";
import type { Proxier } from "./proxier.ts";
import type { ServicePort } from "./service-ports.ts";

export interface NftablesProxierOptions {
  table: string;
  serviceCIDR?: string;
  nodePortAddresses?: string[];
  /** A full rewrite at least this often; default 5 min. */
  fullSyncIntervalMs?: number;
}

export class NftablesProxier implements Proxier {
  readonly mode = "nftables";
  readonly describe: string;
  private contents: TableContents | undefined;
  private lastFull = 0;

  constructor(private readonly options: NftablesProxierOptions) {
    this.describe = `table ip ${options.table}`;
  }

  async sync(ports: readonly ServicePort[]): Promise<void> {
    const full = !this.contents || Date.now() - this.lastFull > (this.options.fullSyncIntervalMs ?? 300_000);
    const rendered = renderRuleset({ ...this.options, ports }, full ? undefined : this.contents);
    this.contents = undefined;
    await mustRun(["nft", "-f", "-"], rendered.text);
    this.contents = rendered.contents;
    if (full) this.lastFull = Date.now();
  }

  async cleanup(): Promise<void> {
    this.contents = undefined;
    await runHostCommand(["nft", "delete", "table", "ip", this.options.table]);
  }
}

/** Why nftables cannot be used here (no nft, no permission, no nat support), or undefined if it can. */
export async function nftablesUnavailable(): Promise<string | undefined> {
  // `-c` checks the transaction against the kernel without committing it.
  const probe = [
    "add table ip kt-proxy-probe",
    "add chain ip kt-proxy-probe p { type nat hook prerouting priority dstnat; policy accept; }",
    "add rule ip kt-proxy-probe p meta l4proto tcp dnat to 127.0.0.1:1",
    "",
  ].join("\n");
  const result = await runHostCommand(["nft", "-c", "-f", "-"], probe);
  if (result.exitCode === 0) return undefined;
  return result.stderr.trim().split("\n")[0] || `nft exited with ${result.exitCode}`;
}
