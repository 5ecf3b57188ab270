// A list of any resource, rendered from the API's own Table (Accept: as=Table), so every
// resource, CRDs included, shows the columns kubectl prints.
import { html } from "hono/html";
import { apiJson, type Session } from "../api-session.ts";
import type { Html } from "../layout.ts";
import { apiPath, type ResourceRef, uiPath } from "../resource-kinds.ts";

interface Table {
  metadata: { resourceVersion?: string };
  columnDefinitions: Array<{ name: string; priority?: number }>;
  rows: Array<{ cells: unknown[]; object?: { metadata?: { name?: string; namespace?: string } } }>;
}

const TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io";

export async function listView(
  s: Session,
  r: ResourceRef,
  namespace: string,
): Promise<{ body: Html; rv: string | undefined; path: string }> {
  const path = apiPath(r, namespace || undefined);
  const table = await apiJson<Table>(s, path, { headers: { Accept: TABLE_ACCEPT } });
  const cols = table.columnDefinitions.map((c, i) => ({ ...c, i })).filter((c) => !c.priority);
  const showNs = r.namespaced && !namespace;
  const rows = table.rows.map((row) => {
    const meta = row.object?.metadata ?? {};
    const link = `${s.prefix}${uiPath(r, meta.namespace, meta.name)}`;
    return html`<tr>${showNs ? html`<td>${meta.namespace ?? ""}</td>` : ""}${cols.map((c, j) =>
      j === 0
        ? html`<td><a href="${link}">${String(row.cells[c.i] ?? "")}</a></td>`
        : html`<td class="${String(row.cells[c.i] ?? "")}">${String(row.cells[c.i] ?? "")}</td>`,
    )}</tr>`;
  });
  const body = html`<div class="scroll"><table data-resource="${r.resource}"><thead><tr>${showNs ? html`<th>NAMESPACE</th>` : ""}${cols.map(
    (c) => html`<th>${c.name.toUpperCase()}</th>`,
  )}</tr></thead><tbody>${rows.length ? rows : html`<tr><td class="muted" colspan="${cols.length + 1}">No resources found.</td></tr>`}</tbody></table></div>`;
  return { body, rv: table.metadata.resourceVersion, path };
}
