// The nftables data path: each sync renders the whole table and applies it with one atomic
// `nft -f -` transaction (the first one deletes whatever a previous run left); cleanup deletes
// the table. After a failed transaction the next sync rewrites the table from scratch.

import { mustRun, runHostCommand } from "./host-command.ts";
import { renderRuleset, type TableContents } from "./nft-ruleset.ts";
import type { Proxier } from "./proxier.ts";
import type { ServicePort } from "./service-ports.ts";

export interface NftablesProxierOptions {
  table: string;
  serviceCIDR?: string;
  nodePortAddresses?: string[];
}

export class NftablesProxier implements Proxier {
  readonly mode = "nftables";
  readonly describe: string;
  #contents: TableContents | undefined;

  constructor(private readonly options: NftablesProxierOptions) {
    this.describe = `table ip ${options.table}`;
  }

  async sync(ports: readonly ServicePort[]): Promise<void> {
    const rendered = renderRuleset({ ...this.options, ports }, this.#contents);
    this.#contents = undefined;
    await mustRun(["nft", "-f", "-"], rendered.text);
    this.#contents = rendered.contents;
  }

  async cleanup(): Promise<void> {
    this.#contents = undefined;
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
