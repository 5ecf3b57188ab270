// The YAML editor (bundled into ./kube by bundle-macro.ts): CodeMirror 6 with YAML highlighting
// over the form's textarea, which stays the value the form posts (and the editor without JS).
import { yaml } from "@codemirror/lang-yaml";
import { basicSetup, EditorView } from "codemirror";

const area = document.getElementById("yaml-text");
if (area) {
  const view = new EditorView({
    doc: area.value,
    extensions: [
      basicSetup,
      yaml(),
      EditorView.lineWrapping,
      EditorView.updateListener.of((u) => {
        if (u.docChanged) area.value = u.state.doc.toString();
      }),
      EditorView.contentAttributes.of({ "aria-label": "YAML editor" }),
      EditorView.theme({
        "&": { border: "1px solid #b8c0cc", borderRadius: "4px", background: "#fff", fontSize: "13px" },
        ".cm-scroller": { minHeight: "360px", maxHeight: "70vh", fontFamily: "ui-monospace, monospace" },
      }),
    ],
  });
  area.style.display = "none";
  area.insertAdjacentElement("afterend", view.dom);
  area.form?.addEventListener("submit", () => {
    area.value = view.state.doc.toString();
  });
  view.dom.id = "yaml-editor";
  window.kubeEditor = view;
}
