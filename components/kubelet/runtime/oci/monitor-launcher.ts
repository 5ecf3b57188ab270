// The node's launcher for OCI monitors: launcher.pl loads monitor.pl once and each forked child calls
// its monitor() (no Perl compile per container), which says `ready` once its start file is final.

import { type LaunchedSupervisor, SupervisorLauncher } from "../process/supervisor-launcher.ts";

export class MonitorLauncher extends SupervisorLauncher {
  /** Forks `monitor.pl <args>` (argv as startOciContainer builds it), the start told, not polled. */
  override launch(argv: string[], output: string): Promise<LaunchedSupervisor> {
    return super.launch(argv, output, "monitor", { ready: true });
  }
}
