import { HistoryError } from '../errors.js';
import type { Series } from '../history.js';
import { FORMAT_DESCRIPTIONS, matrixToDynamics, preview, type ImportedDynamics } from './records.js';
import { linesOf, type Source, type SourceText } from './sources.js';

/* ---------- 0/1 matrices ---------- */

const TRUE = new Set(['1', 'true', 'True', 'TRUE']);
const FALSE = new Set(['0', 'false', 'False', 'FALSE']);
const isValue = (cell: string) => TRUE.has(cell) || FALSE.has(cell);
const ID_HEADERS = new Set(['id', 'guid', 'sample_id', 'index', '']);

export interface MatrixOptions {
  /** Line 1 is a header (true), data (false); default: detected (see parseMatrixCsv), and said in `notes`. */
  header?: boolean;
  series?: Series;
}

/**
 * A correctness matrix as CSV: one row per sample, one column per step, cells 0/1 (or
 * true/false). The first column holds sample ids (integers or strings) when the header names it
 * (id, guid, sample_id, index) or when a row's first cell is not a 0/1 value; otherwise ids are row
 * numbers from 0. Header: say it with `header`; when not said, line 1 is a header if its first cell
 * names an id column or a later cell is not a 0/1 value.
 */
export function parseMatrixCsv(source: Source, { header, series = 'presentation' }: MatrixOptions = {}): ImportedDynamics {
  const { file } = source;
  const expected = `expected ${FORMAT_DESCRIPTIONS['matrix-csv']}`;
  // First reading: line 1, how many lines, and whether a later line's first cell is not a 0/1 value (then it is an id).
  let head: string | undefined;
  let rows = 0;
  let laterIdCell = false;
  for (const line of linesOf(source)) {
    rows++;
    if (head === undefined) head = line;
    else if (!laterIdCell && !isValue(line.slice(0, line.includes(',') ? line.indexOf(',') : line.length).trim())) laterIdCell = true;
  }
  if (head === undefined || (rows === 1 && head.trim() === '')) throw new HistoryError('empty file', { file, line: 1 }, expected);
  if (/^\s*[[{]/.test(head)) throw new HistoryError('this is JSON, not a correctness history', { file, line: 1 }, `${expected}; read JSON with --format matrix-json`);
  const first = cellsOf(head);
  const detected = ID_HEADERS.has(first[0]!.toLowerCase()) || first.slice(1).some((c) => !isValue(c));
  const hasHeader = header ?? detected;
  const notes = header === undefined && hasHeader ? [`line 1 of ${file} read as a header (detected; say --no-header if it is data)`] : [];
  const samples = rows - (hasHeader ? 1 : 0);
  const start = hasHeader ? 2 : 1;
  if (samples === 0) throw new HistoryError('no samples: the file has no rows of 0/1 values', { file }, expected);
  const dataHasIdCell = laterIdCell || (!hasHeader && !isValue(first[0]!));
  const idColumn = (hasHeader && ID_HEADERS.has(first[0]!.toLowerCase()) && first[0] !== '') || dataHasIdCell || (hasHeader && first[0] === '');
  const width = first.length;
  const steps = width - (idColumn ? 1 : 0);
  const correct = new Uint8Array(samples * steps);
  const ids: (string | number)[] = [];
  const lineOf = new Map<string, number>();
  let line = 0;
  for (const text of linesOf(source)) {
    line++;
    if (line < start) continue;
    const cells = cellsOf(text);
    const r = line - start;
    if (cells.length !== width) throw new HistoryError(`expected ${width} columns (as on line ${hasHeader ? 1 : start}), found ${cells.length}`, { file, line, column: Math.min(width, cells.length) + 1 });
    const id = idColumn ? cells[0]! : r;
    if (id === '') throw new HistoryError('the id is empty', { file, line, column: 1 });
    const earlier = lineOf.get(String(id));
    if (earlier !== undefined) throw new HistoryError(`duplicate id ${JSON.stringify(id)} (first on line ${earlier})`, { file, line, column: 1 }, 'ids must be distinct');
    lineOf.set(String(id), line);
    ids.push(id);
    for (let c = idColumn ? 1 : 0; c < cells.length; c++) {
      const cell = cells[c]!;
      if (!isValue(cell)) throw new HistoryError(`expected 0 or 1, found ${JSON.stringify(cell)}`, { file, line, column: c + 1 }, idColumn || c > 0 ? undefined : 'string ids go in the first column');
      correct[r * steps + c - (idColumn ? 1 : 0)] = TRUE.has(cell) ? 1 : 0;
    }
  }
  return matrixToDynamics(ids, correct, steps, { format: 'matrix-csv', files: [file], series, notes });
}

const cellsOf = (line: string): string[] => line.split(',').map((c) => c.trim());

/** A correctness matrix as JSON: `{"<id>": [0, 1, …], …}` (ids as keys) or `[[0, 1, …], …]` (ids = row numbers); true/false also count. */
export function parseMatrixJson({ file, text }: SourceText, { series = 'presentation' }: MatrixOptions = {}): ImportedDynamics {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HistoryError(`not valid JSON (${(error as Error).message})`, { file }, `expected ${FORMAT_DESCRIPTIONS['matrix-json']}`);
  }
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((row, i) => [i, row])
    : typeof value === 'object' && value !== null
      ? Object.entries(value)
      : [];
  if (entries.length === 0) throw new HistoryError(`no samples in ${preview(value)}`, { file }, `expected ${FORMAT_DESCRIPTIONS['matrix-json']}`);
  const width = Array.isArray(entries[0]![1]) ? (entries[0]![1] as unknown[]).length : 0;
  const correct = new Uint8Array(entries.length * width);
  entries.forEach(([id, row], r) => {
    const where = { file };
    if (!Array.isArray(row)) throw new HistoryError(`sample ${JSON.stringify(id)} is ${preview(row)}`, where, 'expected an array of 0/1 values per sample');
    if (row.length !== width) throw new HistoryError(`sample ${JSON.stringify(id)} has ${row.length} steps, the first has ${width}`, where, 'expected the same number of steps for every sample');
    row.forEach((cell, t) => {
      if (![0, 1, true, false].includes(cell)) throw new HistoryError(`sample ${JSON.stringify(id)} (entry ${r}), step ${t} is ${preview(cell)}`, where, 'expected 0, 1, true or false');
      correct[r * width + t] = cell ? 1 : 0;
    });
  });
  return matrixToDynamics(entries.map(([id]) => id), correct, width, { format: 'matrix-json', files: [file], series });
}
