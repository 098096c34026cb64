import { mkdirSync, readFileSync } from 'node:fs';
import { runFiles, writeFileAtomic, type SampleTable } from '@mgdl/io';
import { RunFileError } from '../run/read-json.js';

/** What a column holds: an integer, a number (NaN and ±Infinity allowed, as String() writes them), free text, or one of some words. */
export type ColumnKind = 'integer' | 'number' | 'text' | readonly string[];

/** One samples/<name>.csv table: its file name and its columns in order, each with the row field it fills. */
export interface TableSpec<R> {
  name: SampleTable;
  columns: readonly { column: string; field: keyof R & string; kind: ColumnKind }[];
}

const quoted = (text: string) => (/[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

/** The CSV text of `rows` (header first) as `readTable` reads it back. */
export function tableCsv<R>(spec: TableSpec<R>, rows: readonly R[]): string {
  const header = spec.columns.map((c) => c.column).join(',');
  const lines = rows.map((row) => spec.columns.map(({ field, kind }) => (kind === 'text' ? quoted(String(row[field])) : String(row[field]))).join(','));
  return `${header}\n${lines.join('\n')}${lines.length ? '\n' : ''}`;
}

/** Splits CSV text into records of cells: quoted cells may hold commas, quotes ("") and line breaks. */
function records(text: string): { cells: string[]; line: number }[] {
  const out: { cells: string[]; line: number }[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let start = 1;
  let inQuotes = false;
  // Whether the record has begun: a line holding only "" is one empty cell, a blank line is no record.
  let begun = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        inQuotes = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '\r') continue;
    if (ch === '\n') {
      if (begun) out.push({ cells: [...cells, cell], line: start });
      cells = [];
      cell = '';
      begun = false;
      start = ++line;
      continue;
    }
    begun = true;
    if (ch === '"') inQuotes = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  if (begun) out.push({ cells: [...cells, cell], line: start });
  return out;
}

/** Parses a table `tableCsv` wrote; a wrong header or a bad cell is a RunFileError naming the file, line and column. */
export function parseTable<R>(spec: TableSpec<R>, text: string, file = `${spec.name}.csv`): R[] {
  const [header, ...rows] = records(text);
  const expected = spec.columns.map((c) => c.column).join(',');
  if (header?.cells.join(',') !== expected) throw new RunFileError(file, `header is ${JSON.stringify(header?.cells.join(',') ?? '')}, expected '${expected}'`);
  return rows.map(({ cells, line }) => {
    if (cells.length !== spec.columns.length) throw new RunFileError(file, `line ${line} has ${cells.length} cells, expected ${spec.columns.length}`);
    const row: Record<string, number | string> = {};
    spec.columns.forEach(({ column, field, kind }, c) => {
      const text = cells[c]!;
      const bad = (expected: string): never => {
        throw new RunFileError(file, `line ${line}: ${column} is ${JSON.stringify(text)}, expected ${expected}`, column);
      };
      if (kind === 'text') row[field] = text;
      else if (typeof kind !== 'string') row[field] = kind.includes(text) ? text : bad(kind.map((k) => JSON.stringify(k)).join(' or '));
      else {
        const value = Number(text);
        const number = text !== '' && (text === 'NaN' || !Number.isNaN(value));
        if (kind === 'integer') row[field] = number && Number.isInteger(value) ? value : bad('an integer');
        else row[field] = number ? value : bad('a number');
      }
    });
    return row as R;
  });
}

/** Reads one samples/<name>.csv file as its spec says. */
export function readTable<R>(spec: TableSpec<R>, path: string): R[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new RunFileError(path, `cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseTable(spec, text, path);
}

/**
 * Writes samples/<name>.csv of the run directory `dir` atomically, after reading the text back with
 * the table's reader: a row its reader would refuse (e.g. a non-integer id) fails here, not in the report.
 */
export function writeTable<R>(dir: string, spec: TableSpec<R>, rows: readonly R[]): void {
  const path = runFiles(dir).samples(spec.name);
  const text = tableCsv(spec, rows);
  parseTable(spec, text, path);
  mkdirSync(runFiles(dir).samplesDir, { recursive: true });
  writeFileAtomic(path, text);
}
