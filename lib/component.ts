// The shape every long-running part of kube takes (DESIGN.md "Component"): started by an
// async function, it reports when it is ready, settles `done` when it ends (rejecting if it
// crashed), and stops on request. Only cmd/ turns `done` into an exit code.

export interface Component {
  /** Short name for logs: "etcd", "apiserver", ... */
  readonly name: string;
  /** Resolves once the component serves; rejects if it failed to start. */
  readonly ready: Promise<void>;
  /** Resolves when the component stopped on request; rejects if it crashed. */
  readonly done: Promise<void>;
  /** Stop and release everything the component holds (ports, files, processes). Idempotent. */
  stop(): Promise<void>;
}
