import { HistoryError } from '../errors.js';
import { parseSeries, type Series } from '../history.js';
import { FORMAT_DESCRIPTIONS, jsonLine, matrixToDynamics, nonNegativeInteger, preview, recordsToDynamics, scoresOf, textLines, type DynamicsRecord, type ImportedDynamics } from './records.js';

/** A source file's text and name (the name is used in errors and, for cartography, gives the epoch). */
export interface SourceText {
  file: string;
  text: string;
}

/* ---------- mgdl's interchange format ---------- */

export const INTERCHANGE_FORMAT = 'mgdl-dynamics';
export const INTERCHANGE_VERSION = 1;

/**
 * mgdl's interchange JSONL, version 1. Line 1 is a header,
 * `{"format": "mgdl-dynamics", "version": 1, "series": "presentation" | "inference-pass"}`
 * (series optional, default presentation). Every further line is one sample at one step:
 * `{"id": int | string, "step": int ≥ 0, "label": int, "logits": [..]}` — or `"probs": [..]`
 * instead of logits, or `"correct": 0 | 1 | true | false` (label then optional) — with an optional
 * `"split"`: records whose split is not "train" are skipped. Unknown keys are errors (a typo must
 * not silently drop data).
 */
export function parseInterchange(sources: readonly SourceText[], { series: override }: { series?: Series } = {}): ImportedDynamics {
  const records: DynamicsRecord[] = [];
  let series: Series | undefined;
  let skipped = 0;
  const expectedHeader = `a first line {"format":"${INTERCHANGE_FORMAT}","version":${INTERCHANGE_VERSION}} (mgdl's interchange format)`;
  for (const { file, text } of sources) {
    const lines = textLines(text);
    if (lines.length === 0) throw new HistoryError('empty file', { file, line: 1 }, `expected ${expectedHeader}`);
    const header = jsonLine(lines[0]!, { file, line: 1 }, expectedHeader);
    if (header.format !== INTERCHANGE_FORMAT) throw new HistoryError(`format is ${preview(header.format)}`, { file, line: 1 }, `expected ${expectedHeader}`);
    if (header.version !== INTERCHANGE_VERSION) throw new HistoryError(`unsupported version ${preview(header.version)}`, { file, line: 1 }, `this reader knows version ${INTERCHANGE_VERSION}`);
    const own = header.series === undefined ? 'presentation' : parseSeries(header.series, `${file} line 1`);
    if (series !== undefined && own !== series) throw new HistoryError(`series '${own}', but an earlier file has '${series}'`, { file, line: 1 }, 'expected files of one series');
    series = own;
    for (let i = 1; i < lines.length; i++) {
      const where = { file, line: i + 1 };
      if (lines[i]!.trim() === '') continue;
      const r = jsonLine(lines[i]!, where, 'a record {"id", "step", "label", "logits" | "probs" | "correct"}');
      const unknown = Object.keys(r).find((k) => !['id', 'step', 'label', 'logits', 'probs', 'correct', 'split'].includes(k));
      if (unknown) throw new HistoryError(`unknown key ${JSON.stringify(unknown)}`, where, 'expected only id, step, label, logits | probs | correct, split');
      if (r.split !== undefined && r.split !== 'train') {
        skipped++;
        continue;
      }
      const id = typeof r.id === 'string' && r.id !== '' ? r.id : nonNegativeInteger(r.id);
      if (id === undefined) throw new HistoryError(`id is ${preview(r.id)}`, where, 'expected a non-negative integer or a non-empty string');
      const step = nonNegativeInteger(r.step);
      if (step === undefined) throw new HistoryError(`step is ${preview(r.step)}`, where, 'expected a non-negative integer');
      const present = (['logits', 'probs', 'correct'] as const).filter((k) => r[k] !== undefined);
      if (present.length !== 1) throw new HistoryError(present.length ? `both ${present.join(' and ')}` : 'no logits, probs or correct', where, 'expected exactly one of logits, probs, correct');
      const record: DynamicsRecord = { id, step, where };
      if (r.correct !== undefined) {
        if (![0, 1, true, false].includes(r.correct as number)) throw new HistoryError(`correct is ${preview(r.correct)}`, where, 'expected 0, 1, true or false');
        record.correct = r.correct ? 1 : 0;
      } else {
        const label = nonNegativeInteger(r.label);
        if (label === undefined) throw new HistoryError(`label is ${preview(r.label)}`, where, 'expected the class index (a non-negative integer)');
        record.label = label;
        if (r.logits !== undefined) record.logits = scoresOf(r.logits, 'logits', where);
        else record.probs = scoresOf(r.probs, 'probs', where);
        if (label >= (record.logits ?? record.probs)!.length) throw new HistoryError(`label ${label} with ${(record.logits ?? record.probs)!.length} class scores`, where, 'expected a label below the number of classes');
      }
      records.push(record);
    }
  }
  return recordsToDynamics(records, {
    format: 'mgdl-jsonl',
    files: sources.map((s) => s.file),
    series: override ?? series ?? 'presentation',
    notes: skipped ? [`${skipped} records of other splits (not "train") skipped`] : [],
  });
}

/** The interchange file of a recorder's inputs, written by hand: the header line. */
export const interchangeHeader = (series: Series = 'presentation'): string => JSON.stringify({ format: INTERCHANGE_FORMAT, version: INTERCHANGE_VERSION, series });

/* ---------- dataset cartography ---------- */

const CARTOGRAPHY_FILE = /dynamics_epoch_(\d+)\.jsonl?$/;

/**
 * Dataset cartography's training dynamics (allenai/cartography `log_training_dynamics`): one file
 * per epoch, `dynamics_epoch_N.jsonl` (N from 0), each line `{"guid": …, "logits_epoch_N": […],
 * "gold": int}`. The epoch comes from the file name and must match the logits key. Cartography
 * logs the logits of the training loop's forward passes, so the series is 'presentation'.
 */
export function parseCartography(sources: readonly SourceText[], { series = 'presentation' }: { series?: Series } = {}): ImportedDynamics {
  const records: DynamicsRecord[] = [];
  const expected = FORMAT_DESCRIPTIONS.cartography;
  for (const { file, text } of sources) {
    const match = CARTOGRAPHY_FILE.exec(file);
    if (!match) throw new HistoryError('the file name does not say the epoch', { file }, 'expected dynamics_epoch_N.jsonl, as cartography writes');
    const epoch = Number(match[1]);
    const key = `logits_epoch_${epoch}`;
    textLines(text).forEach((line, i) => {
      const where = { file, line: i + 1 };
      if (line.trim() === '') return;
      const r = jsonLine(line, where, `{"guid": …, "${key}": [...], "gold": int}`);
      const logitsKey = Object.keys(r).find((k) => k.startsWith('logits_epoch_'));
      if (logitsKey === undefined) throw new HistoryError(`no "${key}" key`, where, `expected ${expected}`);
      if (logitsKey !== key) throw new HistoryError(`key "${logitsKey}" in the file of epoch ${epoch}`, where, `expected "${key}"`);
      const guid = r.guid;
      const id = typeof guid === 'string' && guid !== '' ? guid : nonNegativeInteger(guid);
      if (id === undefined) throw new HistoryError(`guid is ${preview(guid)}`, where, 'expected a non-negative integer or a string');
      const gold = nonNegativeInteger(r.gold);
      if (gold === undefined) throw new HistoryError(`gold is ${preview(r.gold)}`, where, 'expected the class index (a non-negative integer)');
      const logits = scoresOf(r[key], key, where);
      if (gold >= logits.length) throw new HistoryError(`gold ${gold} with ${logits.length} logits`, where, 'expected a class index below the number of logits');
      records.push({ id, step: epoch, label: gold, logits, where });
    });
  }
  return recordsToDynamics(records, { format: 'cartography', files: sources.map((s) => s.file), series });
}

/* ---------- AUM ---------- */

export const AUM_COLUMNS = ['sample_id', 'num_measurements', 'target_logit', 'target_val', 'other_logit', 'other_val', 'margin', 'aum'] as const;

/**
 * AUM's `full_aum_records.csv` (asappresearch/aum `AUMCalculator(compressed=False).finalize()`):
 * one row per sample per update, columns sample_id, num_measurements (1-based), target_logit
 * (the label's logit), target_val (the label), other_logit (the largest other logit), other_val
 * (its class), margin, aum (the running mean). Step = num_measurements − 1; correct = margin > 0
 * (the label's logit strictly largest); margins feed AUM. AUM updates run in the training loop:
 * series 'presentation'.
 */
export function parseAumRecords({ file, text }: SourceText, { series = 'presentation' }: { series?: Series } = {}): ImportedDynamics {
  const lines = textLines(text);
  if (lines.length === 0) throw new HistoryError('empty file', { file, line: 1 }, `expected ${FORMAT_DESCRIPTIONS.aum}`);
  const header = lines[0]!.split(',').map((c) => c.trim());
  const missing = AUM_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) throw new HistoryError(`no column ${missing.join(', ')} in the header`, { file, line: 1 }, `expected the header ${AUM_COLUMNS.join(',')}`);
  const at = Object.fromEntries(AUM_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<(typeof AUM_COLUMNS)[number], number>;
  const records: DynamicsRecord[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = i + 1;
    if (lines[i]!.trim() === '') continue;
    const cells = lines[i]!.split(',');
    if (cells.length !== header.length) throw new HistoryError(`${cells.length} cells, the header has ${header.length}`, { file, line, column: Math.min(cells.length, header.length) + 1 });
    const number = (name: (typeof AUM_COLUMNS)[number]) => {
      const cell = cells[at[name]]!.trim();
      const value = Number(cell);
      if (cell === '' || !Number.isFinite(value)) throw new HistoryError(`${name} is ${JSON.stringify(cell)}`, { file, line, column: at[name] + 1 }, 'expected a finite number');
      return value;
    };
    const measurement = number('num_measurements');
    if (!(Number.isInteger(measurement) && measurement >= 1)) throw new HistoryError(`num_measurements is ${measurement}`, { file, line, column: at.num_measurements + 1 }, 'expected a positive integer (1 for the first update)');
    const idCell = cells[at.sample_id]!.trim();
    if (idCell === '') throw new HistoryError('sample_id is empty', { file, line, column: at.sample_id + 1 });
    const margin = number('margin');
    records.push({ id: idCell, step: measurement - 1, correct: margin > 0 ? 1 : 0, margin, where: { file, line } });
  }
  return recordsToDynamics(records, { format: 'aum', files: [file], series });
}

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
export function parseMatrixCsv({ file, text }: SourceText, { header, series = 'presentation' }: MatrixOptions = {}): ImportedDynamics {
  const lines = textLines(text);
  const expected = `expected ${FORMAT_DESCRIPTIONS['matrix-csv']}`;
  if (lines.length === 0 || (lines.length === 1 && lines[0]!.trim() === '')) throw new HistoryError('empty file', { file, line: 1 }, expected);
  if (/^\s*[[{]/.test(lines[0]!)) throw new HistoryError('this is JSON, not a correctness history', { file, line: 1 }, `${expected}; read JSON with --format matrix-json`);
  const rows = lines.map((line) => line.split(',').map((c) => c.trim()));
  const first = rows[0]!;
  const detected = ID_HEADERS.has(first[0]!.toLowerCase()) || first.slice(1).some((c) => !isValue(c));
  const hasHeader = header ?? detected;
  const notes = header === undefined && hasHeader ? [`line 1 of ${file} read as a header (detected; say --no-header if it is data)`] : [];
  const data = rows.slice(hasHeader ? 1 : 0);
  const start = hasHeader ? 2 : 1;
  if (data.length === 0) throw new HistoryError('no samples: the file has no rows of 0/1 values', { file }, expected);
  const idColumn = (hasHeader && ID_HEADERS.has(first[0]!.toLowerCase()) && first[0] !== '') || data.some((row) => !isValue(row[0]!)) || (hasHeader && first[0] === '');
  const width = (hasHeader ? first : data[0]!).length;
  const steps = width - (idColumn ? 1 : 0);
  const correct = new Uint8Array(data.length * steps);
  const ids: (string | number)[] = [];
  const lineOf = new Map<string, number>();
  data.forEach((cells, r) => {
    const line = start + r;
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
  });
  return matrixToDynamics(ids, correct, steps, { format: 'matrix-csv', files: [file], series, notes });
}

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
