// A small CSV reader for the datasets' format (header row, comma separated, RFC 4180 quoting).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Calls `row` with each record as a column->value map; throws naming the file when a column is missing. */
export async function readCsv(path: string, required: string[], row: (r: Record<string, string>, line: number) => void): Promise<void> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let header: string[] | undefined;
  let n = 0;
  for await (const raw of lines) {
    n++;
    const line = n === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (!line.trim()) continue;
    const cells = splitCsvLine(line);
    if (!header) {
      header = cells.map((c) => c.trim());
      const missing = required.filter((c) => !header!.includes(c));
      if (missing.length) throw new Error(`${path}: missing column(s) ${missing.join(', ')} (header: ${header.join(',')})`);
      continue;
    }
    const rec: Record<string, string> = {};
    header.forEach((h, i) => (rec[h] = (cells[i] ?? '').trim()));
    row(rec, n);
  }
  if (!header) throw new Error(`${path}: empty file`);
}
