// The YAML forms: edit an object (update with its resourceVersion, or server-side apply) and
// create from YAML. After a refusal the form comes back with the text as typed and the API's message.
import { html } from "hono/html";
import { stringify } from "yaml";
import type { KubeObject } from "../kube-object.ts";
import { errorBox, type Html } from "../layout.ts";

export function editForm(action: string, text: string, error: string | undefined, title: string): Html {
  return html`<h1>${title}</h1>${error ? errorBox(error) : ""}
<form method="post" action="${action}" id="editform"><textarea name="yaml" id="yaml-text" spellcheck="false" aria-label="YAML">${text}</textarea>
<div class="bar"><button name="mode" value="update" id="save">Save (update)</button>
<button name="mode" value="apply" id="apply">Server-side apply</button>
<label><input type="checkbox" name="force" value="true"> force conflicts</label></div></form>`;
}

export function editableYaml(obj: KubeObject): string {
  const o: KubeObject = { ...obj, metadata: { ...obj.metadata } };
  delete o.metadata.managedFields;
  return stringify(o);
}

export function createForm(action: string, text: string, error: string | undefined, done: string[]): Html {
  return html`<h1>Create from YAML</h1>${error ? errorBox(error) : ""}${
    done.length ? html`<div class="ok" id="created">created: ${done.join(", ")}</div>` : ""
  }<form method="post" action="${action}" id="createform"><textarea name="yaml" id="yaml-text" spellcheck="false" aria-label="YAML" placeholder="apiVersion: v1&#10;kind: ConfigMap&#10;...">${text}</textarea>
<div class="bar"><button id="create">Create</button></div></form>`;
}
