// duplicateFields: the keys a JSON text repeats within one object, as paths in the strict
// decoder's format (`metadata.name`, `spec.containers[0].image`). JSON.parse keeps the last of
// them silently; upstream's strict decoder (sigs.k8s.io/json DisallowDuplicateFields) reports
// each as `duplicate field "<path>"` — a 400 under fieldValidation=Strict, a warning under Warn.

interface Frame {
  kind: "object" | "array";
  path: string;
  keys: Set<string>;
  /** Arrays: the index of the element being read. Objects: whether a key comes next. */
  index: number;
  expectKey: boolean;
  /** Objects: the key whose value is being read. */
  key: string;
}

function childPath(frame: Frame | undefined): string {
  if (!frame) return "";
  if (frame.kind === "array") return `${frame.path}[${frame.index}]`;
  return frame.path === "" ? frame.key : `${frame.path}.${frame.key}`;
}

/** Paths of repeated keys in document order, each once; [] for text that repeats none. */
export function duplicateFields(text: string): string[] {
  const found = new Set<string>();
  const stack: Frame[] = [];
  const token = /[[\]{}",]/g;
  const stringEnd = /["\\]/g;
  for (let m = token.exec(text); m !== null; m = token.exec(text)) {
    const c = m[0];
    const top = stack[stack.length - 1];
    if (c === '"') {
      const start = m.index;
      stringEnd.lastIndex = token.lastIndex;
      for (let e = stringEnd.exec(text); e !== null; e = stringEnd.exec(text)) {
        if (e[0] === "\\") stringEnd.lastIndex++;
        else break;
      }
      if (stringEnd.lastIndex === 0) return [...found];
      token.lastIndex = stringEnd.lastIndex;
      if (top?.kind === "object" && top.expectKey) {
        const raw = text.slice(start, stringEnd.lastIndex);
        const key = raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        top.key = key;
        top.expectKey = false;
        if (top.keys.has(key)) found.add(childPath(top));
        else top.keys.add(key);
      }
    } else if (c === "{" || c === "[") {
      stack.push({
        kind: c === "{" ? "object" : "array",
        path: childPath(top),
        keys: new Set(),
        index: 0,
        expectKey: c === "{",
        key: "",
      });
    } else if (c === "}" || c === "]") {
      stack.pop();
    } else if (top?.kind === "object") {
      top.expectKey = true;
    } else if (top) {
      top.index++;
    }
  }
  return [...found];
}
