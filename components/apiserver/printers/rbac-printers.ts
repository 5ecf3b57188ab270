// RoleBinding and ClusterRoleBinding columns: Role ("ClusterRole/view"), Age, Users, Groups, ServiceAccounts.
// Roles and ClusterRoles have no printer upstream: they use the default Name + Created At convertor.
// Upstream: pkg/printers/internalversion/printers.go (printRoleBinding), pkg/apis/rbac/helpers.go (SubjectsStrings).

import type { ClusterRoleBinding, RoleBinding, Subject } from "kubernetes-types/rbac/v1";
import { age } from "./age.ts";
import { columnDescriptions } from "./column-descriptions.ts";
import { ageColumn, column, nameColumn } from "./columns.ts";
import { definePrinter } from "./define-printer.ts";

function subjectsStrings(subjects: readonly Subject[] | undefined): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const serviceAccounts: string[] = [];
  for (const s of subjects ?? []) {
    if (s.kind === "ServiceAccount") serviceAccounts.push(`${s.namespace ?? ""}/${s.name}`);
    else if (s.kind === "User") users.push(s.name);
    else if (s.kind === "Group") groups.push(s.name);
  }
  return [users.join(", "), groups.join(", "), serviceAccounts.join(", ")];
}

function bindingPrinter(kind: "roleBinding" | "clusterRoleBinding") {
  return definePrinter<RoleBinding | ClusterRoleBinding>(
    [
      nameColumn,
      column("Role", columnDescriptions[`${kind}RoleRef`]),
      ageColumn,
      column("Users", `Users in the ${kind}`, { priority: 1 }),
      column("Groups", `Groups in the ${kind}`, { priority: 1 }),
      column("ServiceAccounts", `ServiceAccounts in the ${kind}`, { priority: 1 }),
    ],
    (b, now) => ({
      cells: [
        b.metadata?.name ?? "",
        `${b.roleRef?.kind ?? ""}/${b.roleRef?.name ?? ""}`,
        age(b.metadata?.creationTimestamp, now),
        ...subjectsStrings(b.subjects),
      ],
    }),
  );
}

export const roleBindingPrinter = bindingPrinter("roleBinding");
export const clusterRoleBindingPrinter = bindingPrinter("clusterRoleBinding");
