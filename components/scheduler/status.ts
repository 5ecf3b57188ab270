// What a plugin hook returns instead of throwing (upstream framework.Status): a code, the
// reasons shown in FailedScheduling messages, and the plugin that said so.

export type Code =
  | "Success"
  /** Fails now, but may fit once something on the node changes (preemption can help). */
  | "Unschedulable"
  /** Fails whatever is removed from the node (preemption cannot help). */
  | "UnschedulableAndUnresolvable"
  | "Error"
  /** From PreFilter/PreScore: the plugin has nothing to check for this pod. */
  | "Skip";

export interface Status {
  code: Code;
  reasons: string[];
  plugin?: string;
}

export const SUCCESS: Status = Object.freeze({ code: "Success", reasons: [] }) as Status;
export const SKIP: Status = Object.freeze({ code: "Skip", reasons: [] }) as Status;

export function unschedulable(...reasons: string[]): Status {
  return { code: "Unschedulable", reasons };
}

export function unresolvable(...reasons: string[]): Status {
  return { code: "UnschedulableAndUnresolvable", reasons };
}

export function isRejected(status: Status): boolean {
  return status.code === "Unschedulable" || status.code === "UnschedulableAndUnresolvable";
}
