// The kubelet's /spec/ endpoint: cAdvisor's MachineInfo (github.com/google/cadvisor info/v1
// machine.go), the subset the kamalmarhubi walkthrough and tools read: cores, memory, ids.
import { readFileSync } from "node:fs";
import { cpus, hostname, totalmem } from "node:os";

export interface MachineInfo {
  timestamp: string;
  num_cores: number;
  num_physical_cores: number;
  num_sockets: number;
  cpu_frequency_khz: number;
  memory_capacity: number;
  machine_id: string;
  system_uuid: string;
  boot_id: string;
  hostname: string;
  filesystems: never[];
  network_devices: never[];
  topology: never[];
  cloud_provider: string;
  instance_type: string;
  instance_id: string;
}

function read(path: string): string {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return "";
  }
}

export function machineInfo(now: Date = new Date()): MachineInfo {
  const list = cpus();
  return {
    timestamp: now.toISOString(),
    num_cores: list.length,
    num_physical_cores: list.length,
    num_sockets: 1,
    cpu_frequency_khz: Math.round((list[0]?.speed ?? 0) * 1000),
    memory_capacity: totalmem(),
    machine_id: read("/etc/machine-id"),
    system_uuid: read("/sys/class/dmi/id/product_uuid"),
    boot_id: read("/proc/sys/kernel/random/boot_id"),
    hostname: hostname(),
    filesystems: [],
    network_devices: [],
    topology: [],
    cloud_provider: "Unknown",
    instance_type: "Unknown",
    instance_id: "None",
  };
}
