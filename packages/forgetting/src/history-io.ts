import { HistoryError } from './errors.js';
import { arrayOf, bytesOf, FLOAT_SERIES, SERIES, History, type FloatSeries, type Series } from './history.js';

export interface CsvExportOptions {
  /** Write a header line `id,0,1,…` and a leading id column (default true). */
  readonly ids?: boolean;
}

export interface CsvImportOptions {
  /** Named in errors. */
  readonly file?: string;
  readonly series?: Series;
}

/** Correctness as CSV: one row per sample, one 0/1 column per step. */
export function historyToCsv(history: History, { ids = true }: CsvExportOptions = {}): string {
  const words = history.words();
  const rowWords = history.rowWords;
  return csvTable(history, ids, (p, t) => ((words[t * rowWords + (p >>> 5)]! >>> (p & 31)) & 1 ? '1' : '0'));
}

/** A float series in `historyToCsv`'s layout; values are the shortest decimals that read back as the same float32, NaN is empty. */
export function floatToCsv(history: History, name: FloatSeries, { ids = true }: CsvExportOptions = {}): string {
  const values = history.float(name);
  if (!values) throw new HistoryError(`the history keeps no '${name}' series`, {}, `it keeps: ${history.floatNames.join(', ') || 'none'}`);
  const n = history.samples;
  return csvTable(history, ids, (p, t) => float32Text(values[t * n + p]!));
}

/**
 * Reads `historyToCsv` output or any 0/1 matrix (rows = samples, columns = steps). Line 1 is a header
 * iff its first cell is not 0/1; a header starting with `id` (any case) means the first column holds
 * sample ids, otherwise ids are the row indices. Every entry counts as observed. Error columns are
 * 1-based cell numbers.
 */
export function historyFromCsv(text: string, options: CsvImportOptions = {}): History {
  // Spreadsheet programs often prepend a byte-order mark.
  const lines = (text.startsWith('\uFEFF') ? text.slice(1) : text).split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return historyFromCsvLines(lines, options);
}

/**
 * historyFromCsv over lines as they come (a file read a chunk at a time, no byte-order mark):
 * memory holds the bit-packed rows, 1 bit per sample and step (twice, while they are transposed
 * into the History layout at the end), never the text.
 */
export function historyFromCsvLines(lines: Iterable<string>, { file, series = 'presentation' }: CsvImportOptions = {}): History {
  const expected = 'expected rows of 0/1 values (one row per sample, one column per step), optionally under a header line';
  let shape: CsvShape | undefined;
  let start = 0;
  let line = 0;
  let samples = 0;
  let empty = false;
  let ids = new Int32Array(1024);
  let rows = new Uint32Array(0);
  let stepWords = 0;
  for (const text of lines) {
    line++;
    if (shape === undefined) {
      if (/^\s*[[{]/.test(text)) throw new HistoryError('this is JSON, not a correctness history', { file, line: 1 }, `${expected}; or mgdl's binary history format`);
      const first = text.split(',');
      const head = first[0]!;
      const header = head !== '0' && head !== '1';
      const idColumn = header && head.toLowerCase() === 'id';
      shape = { file, width: first.length, idColumn, steps: first.length - (idColumn ? 1 : 0) };
      start = header ? 1 : 0;
      empty = text === '';
      stepWords = Math.ceil(shape.steps / 32);
      rows = new Uint32Array(ids.length * stepWords);
      if (header) continue;
    }
    empty = false;
    const comma = shape.idColumn ? text.indexOf(',') : -1;
    const from = !shape.idColumn ? 0 : comma < 0 ? text.length + 1 : comma + 1;
    if (!isPlainRow(text, from, shape.steps)) throw rowError(text, line, shape);
    const r = samples++;
    if (r === ids.length) {
      ids = grown(ids, 2 * ids.length);
      rows = grown(rows, 2 * rows.length);
    }
    ids[r] = shape.idColumn ? idOf(comma < 0 ? text : text.slice(0, comma), file, line) : r;
    for (let t = 0; t < shape.steps; t++) if (text.charCodeAt(from + 2 * t) === 49) rows[r * stepWords + (t >>> 5)]! |= 1 << (t & 31);
  }
  if (shape === undefined || empty) throw new HistoryError('empty file', { file, line: 1 }, 'expected rows of 0/1 values, optionally under a header line');
  // Sample-major rows (their count unknown until the end) into the step-major History layout.
  const rowWords = Math.ceil(samples / 32);
  const words = new Uint32Array(shape.steps * rowWords);
  for (let r = 0; r < samples; r++) {
    for (let t = 0; t < shape.steps; t++) if ((rows[r * stepWords + (t >>> 5)]! >>> (t & 31)) & 1) words[t * rowWords + (r >>> 5)]! |= 1 << (r & 31);
  }
  const sampleIds = ids.slice(0, samples);
  try {
    return History.fromArrays({ ids: sampleIds, series, steps: shape.steps, words, observed: allObserved(samples, shape.steps) });
  } catch (error) {
    // Only duplicate ids get this far; finding their lines costs a Map, so it is left to this rare path.
    throw duplicateId(sampleIds, start, file) ?? error;
  }
}

function grown<A extends Int32Array | Uint32Array>(values: A, size: number): A {
  const bigger = new (values.constructor as new (size: number) => A)(size);
  bigger.set(values);
  return bigger;
}

interface CsvShape {
  readonly file: string | undefined;
  readonly width: number;
  readonly idColumn: boolean;
  readonly steps: number;
}

/**
 * Whether the values from `from` on are exactly `steps` comma-separated 0/1 cells. Reading rows in
 * place like this is several times faster than split() on large files, which is left to errors.
 */
function isPlainRow(text: string, from: number, steps: number): boolean {
  if (text.length - from !== 2 * steps - 1) return false;
  for (let t = 0; t < steps; t++) {
    const value = text.charCodeAt(from + 2 * t);
    if ((value !== 48 && value !== 49) || (t < steps - 1 && text.charCodeAt(from + 2 * t + 1) !== 44)) return false;
  }
  return true;
}

/** What is wrong with a row that is not plain: its column count, else its first value that is not 0/1. */
function rowError(text: string, line: number, { file, width, idColumn }: CsvShape): HistoryError {
  const cells = text.split(',');
  if (cells.length !== width) {
    return new HistoryError(`expected ${width} columns (as on line 1), found ${cells.length}`, { file, line, column: Math.min(width, cells.length) + 1 });
  }
  const bad = cells.findIndex((cell, c) => (c > 0 || !idColumn) && cell !== '0' && cell !== '1');
  return new HistoryError(`expected 0 or 1, found ${quote(cells[bad]!)}`, { file, line, column: bad + 1 });
}

const MAGIC = 'MGDLHIST';
const VERSION = 1;
const HEADER_BYTES = 24;

/**
 * Compact binary form, all little-endian: `MGDLHIST`, version u32, N u32, T u32, series byte
 * (index in SERIES), float-series bitmask byte (bit k = FLOAT_SERIES[k]), 2 zero bytes,
 * then ids (N int32), correctness words and observed words (T·rowWords uint32 each, the History
 * layout) and each present float series in FLOAT_SERIES order (T·N float32).
 */
export function historyToBinary(history: History): Uint8Array {
  const parts = [history.ids, history.words(), history.observedWords(), ...history.floatNames.map((name) => history.float(name)!)];
  const out = new Uint8Array(parts.reduce((total, part) => total + part.byteLength, HEADER_BYTES));
  const view = new DataView(out.buffer);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, history.samples, true);
  view.setUint32(16, history.steps, true);
  out[20] = SERIES.indexOf(history.series);
  out[21] = FLOAT_SERIES.reduce((mask, name, k) => (history.floatNames.includes(name) ? mask | (1 << k) : mask), 0);
  let at = HEADER_BYTES;
  for (const part of parts) {
    out.set(bytesOf(part), at);
    at += part.byteLength;
  }
  return out;
}

export function historyFromBinary(bytes: Uint8Array, { file }: { file?: string } = {}): History {
  const fail = (problem: string, hint?: string) => new HistoryError(problem, { file }, hint);
  if (bytes.length < HEADER_BYTES) throw fail(`truncated at byte ${bytes.length}`, `the header alone needs ${HEADER_BYTES} bytes`);
  if (!hasMagic(bytes)) throw fail(`bad magic at byte 0`, `expected '${MAGIC}'`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== VERSION) throw fail(`unsupported version ${version} at byte 8`, `this reader knows version ${VERSION}`);
  const samples = view.getUint32(12, true);
  const steps = view.getUint32(16, true);
  const series = SERIES[bytes[20]!];
  if (series === undefined) throw fail(`unknown series code ${bytes[20]} at byte 20`, `expected 0 … ${SERIES.length - 1}`);
  const mask = bytes[21]!;
  if (mask >= 1 << FLOAT_SERIES.length) throw fail(`unknown float-series bits ${mask} at byte 21`);
  if (bytes[22] !== 0 || bytes[23] !== 0) throw fail(`non-zero padding at byte ${bytes[22] !== 0 ? 22 : 23}`);

  const names = FLOAT_SERIES.filter((_, k) => (mask & (1 << k)) !== 0);
  const wordCount = steps * Math.ceil(samples / 32);
  const expected = HEADER_BYTES + 4 * (samples + 2 * wordCount + names.length * steps * samples);
  const shape = `${samples} samples × ${steps} steps${names.length ? ` with ${names.join(', ')}` : ''}`;
  if (bytes.length < expected) throw fail(`truncated at byte ${bytes.length}`, `${shape} need ${expected} bytes`);
  if (bytes.length > expected) throw fail(`unexpected data from byte ${expected} on`, `${shape} need ${expected} bytes, the file has ${bytes.length}`);

  let at = HEADER_BYTES;
  const take = <A>(count: number, make: new (buffer: ArrayBuffer) => A): A => arrayOf(bytes.subarray(at, (at += 4 * count)), make);
  const ids = take(samples, Int32Array);
  const words = take(wordCount, Uint32Array);
  const observed = take(wordCount, Uint32Array);
  const floats: Partial<Record<FloatSeries, Float32Array>> = {};
  for (const name of names) floats[name] = take(steps * samples, Float32Array);
  try {
    return History.fromArrays({ ids, series, steps, words, observed, floats });
  } catch (error) {
    // The content is invalid (duplicate ids, stray bits): same message, now naming the file.
    if (error instanceof HistoryError) throw fail(error.message);
    throw error;
  }
}

/**
 * A history from a file's bytes, wherever they came from (a file input, fetch, a zip entry): the
 * binary format when they start with its magic, CSV otherwise. `file` is named in errors.
 */
export function historyFromBytes(bytes: Uint8Array, { file, series }: CsvImportOptions = {}): History {
  if (hasMagic(bytes)) return historyFromBinary(bytes, { file });
  let text: string;
  try {
    // Binary data is rarely valid UTF-8 and text never holds NUL: say so instead of blaming a garbled "row".
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (text.includes('\0')) throw new TypeError('NUL byte');
  } catch {
    throw new HistoryError('neither a CSV history nor an mgdl binary history (binary data without the MGDLHIST header)', { file }, 'expected CSV rows of 0/1 values, or a file written by historyToBinary');
  }
  return historyFromCsv(text, { file, series });
}

function hasMagic(bytes: Uint8Array): boolean {
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) return false;
  return true;
}

function csvTable(history: History, withIds: boolean, cell: (position: number, step: number) => string): string {
  const steps = history.steps;
  const lines: string[] = withIds ? [['id', ...Array.from({ length: steps }, (_, t) => String(t))].join(',')] : [];
  const cells = new Array<string>(steps + (withIds ? 1 : 0));
  for (let p = 0; p < history.samples; p++) {
    let c = 0;
    if (withIds) cells[c++] = String(history.ids[p]);
    for (let t = 0; t < steps; t++) cells[c++] = cell(p, t);
    lines.push(cells.join(','));
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function float32Text(x: number): string {
  if (Number.isNaN(x)) return '';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  if (!Number.isFinite(x)) return String(x);
  // A float32 needs at most 9 significant digits; take the fewest that read back as the same float32.
  for (let digits = 1; digits < 9; digits++) {
    const text = x.toPrecision(digits);
    if (Math.fround(Number(text)) === x) return String(Number(text));
  }
  return String(Number(x.toPrecision(9)));
}

/** Parses an id cell by hand: the regex-and-Number route costs several times more on a million rows. */
function idOf(cell: string, file: string | undefined, line: number): number {
  let id = 0;
  for (let i = 0; i < cell.length; i++) {
    const digit = cell.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) {
      const negative = /^-\d+$/.test(cell);
      throw new HistoryError(negative ? `id ${cell} is negative` : `id ${quote(cell)} is not an integer`, { file, line, column: 1 });
    }
    id = id * 10 + digit;
  }
  if (cell.length === 0) throw new HistoryError('the id is empty', { file, line, column: 1 });
  if (id > 0x7fffffff) throw new HistoryError(`id ${cell} is too large`, { file, line, column: 1 }, 'ids are stored as int32');
  return id;
}

/** The error for the first id that repeats an earlier row's, if any. */
function duplicateId(ids: Int32Array, start: number, file: string | undefined): HistoryError | undefined {
  const lineOf = new Map<number, number>();
  for (let r = 0; r < ids.length; r++) {
    const line = start + r + 1;
    const previous = lineOf.get(ids[r]!);
    if (previous !== undefined) return new HistoryError(`id ${ids[r]} also appears on line ${previous}`, { file, line, column: 1 }, 'ids must be distinct');
    lineOf.set(ids[r]!, line);
  }
  return undefined;
}

function quote(cell: string): string {
  return JSON.stringify(cell.length > 40 ? `${cell.slice(0, 40)}…` : cell);
}

/** Observed words with every sample set at every step, padding bits left 0. */
function allObserved(samples: number, steps: number): Uint32Array {
  const rowWords = Math.ceil(samples / 32);
  const row = new Uint32Array(rowWords).fill(0xffffffff);
  if (samples & 31) row[rowWords - 1] = (1 << (samples & 31)) - 1;
  const observed = new Uint32Array(steps * rowWords);
  for (let t = 0; t < steps; t++) observed.set(row, t * rowWords);
  return observed;
}
