// CSV records as Go's encoding/csv reads them (FieldsPerRecord -1): quoted fields may hold commas,
// quotes doubled inside quotes, blank lines skipped; each record knows the line it started on.

export interface CsvRecord {
  line: number;
  fields: string[];
}

export class CsvError extends Error {
  override name = "CsvError";
  constructor(
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`parse error on line ${line}, column ${column}: ${reason}`);
  }
}

export function csvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const lines = text.split(/\r?\n/);
  let i = 0;
  while (i < lines.length) {
    const start = i + 1;
    let line = lines[i++] as string;
    if (line === "") continue;
    const fields: string[] = [];
    let pos = 0;
    for (;;) {
      if (line[pos] === '"') {
        // Quoted field: may continue over line breaks until the closing quote.
        let value = "";
        pos++;
        for (;;) {
          const q = line.indexOf('"', pos);
          if (q < 0) {
            value += `${line.slice(pos)}\n`;
            if (i >= lines.length)
              throw new CsvError(start, line.length + 1, 'extraneous or missing " in quoted-field');
            line = lines[i++] as string;
            pos = 0;
            continue;
          }
          value += line.slice(pos, q);
          if (line[q + 1] === '"') {
            value += '"';
            pos = q + 2;
            continue;
          }
          pos = q + 1;
          break;
        }
        fields.push(value);
        if (pos >= line.length) break;
        if (line[pos] !== ",") throw new CsvError(i, pos + 1, 'extraneous or missing " in quoted-field');
        pos++;
      } else {
        const comma = line.indexOf(",", pos);
        const value = comma < 0 ? line.slice(pos) : line.slice(pos, comma);
        const quote = value.indexOf('"');
        if (quote >= 0) throw new CsvError(i, pos + quote + 1, 'bare " in non-quoted-field');
        fields.push(value);
        if (comma < 0) break;
        pos = comma + 1;
      }
    }
    records.push({ line: start, fields });
  }
  return records;
}
