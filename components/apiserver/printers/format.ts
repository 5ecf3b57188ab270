// Cell formatting shared by printers: label maps, label selectors, container lists, "+ N more...".
// Upstream: apimachinery labels.FormatLabels, metav1.FormatLabelSelector, printers.go layoutContainerCells.

import type { Container } from "kubernetes-types/core/v1";
import type { LabelSelector } from "kubernetes-types/meta/v1";

/** `a=1,b=2` with keys sorted, or "<none>". */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return "<none>";
  return keys.map((k) => `${k}=${labels?.[k] ?? ""}`).join(",");
}

/**
 * A LabelSelector in selector syntax (`app=web,tier in (a,b),!legacy`), or undefined when it is
 * invalid. Requirements are sorted by key, as upstream's internalSelector keeps them.
 */
export function labelSelectorString(selector: LabelSelector | undefined | null): string | undefined {
  if (!selector) return "";
  const requirements: Array<{ key: string; text: string }> = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    requirements.push({ key, text: `${key}=${value}` });
  }
  for (const expr of selector.matchExpressions ?? []) {
    const values = [...new Set(expr.values ?? [])].sort();
    switch (expr.operator) {
      case "In":
      case "NotIn":
        if (values.length === 0) return undefined;
        requirements.push({
          key: expr.key,
          text: `${expr.key} ${expr.operator === "In" ? "in" : "notin"} (${values.join(",")})`,
        });
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length > 0) return undefined;
        requirements.push({ key: expr.key, text: expr.operator === "Exists" ? expr.key : `!${expr.key}` });
        break;
      default:
        return undefined;
    }
  }
  requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return requirements.map((r) => r.text).join(",");
}

/** metav1.FormatLabelSelector: the selector string, "<none>" when empty, "<error>" when invalid. */
export function formatLabelSelector(selector: LabelSelector | undefined | null): string {
  const text = labelSelectorString(selector);
  if (text === undefined) return "<error>";
  return text === "" ? "<none>" : text;
}

/** Container names and images, each comma-joined. */
export function layoutContainerCells(containers: readonly Container[] | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name ?? "").join(","), list.map((c) => c.image ?? "").join(",")];
}

/** The first `max` entries comma-joined, then " + N more..."; "<unset>" when there are none. */
export function listWithMore(list: readonly string[], total: number, max: number): string {
  const shown = list.join(",");
  if (total > max) return `${shown} + ${total - max} more...`;
  return shown === "" ? "<unset>" : shown;
}

/** intstr.IntOrString.String(). */
export function intOrString(value: number | string): string {
  return typeof value === "number" ? String(value) : value;
}

/** net.JoinHostPort: brackets an IPv6 host. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** fmt.Sprint of a bool: "True"/"False" as upstream's printBool. */
export function printBool(value: boolean): string {
  return value ? "True" : "False";
}

/** "<unset>" for a missing *bool, else printBool. */
export function printBoolPtr(value: boolean | undefined | null): string {
  return value === undefined || value === null ? "<unset>" : printBool(value);
}
