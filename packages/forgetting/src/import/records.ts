import { HistoryError } from '../errors.js';
import type { Series } from '../history.js';
import { scoreRow } from '../per-sample-event.js';
import { dynamicsRecorder, type DynamicsRecorder } from '../recorder.js';

/** The formats mgdl reads training dynamics from. */
export const IMPORT_FORMATS = ['mgdl-jsonl', 'cartography', 'aum', 'matrix-csv', 'matrix-json'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** What each format is, in words (errors and reports name it). */
export const FORMAT_DESCRIPTIONS: Record<ImportFormat, string> = {
  'mgdl-jsonl': "mgdl's interchange JSONL (a header line {\"format\":\"mgdl-dynamics\",\"version\":1,…}, then one {id, step, label, logits|probs|correct} record per sample per step)",
  cartography: "dataset cartography's dynamics_epoch_N.jsonl (one {guid, logits_epoch_N, gold} line per sample per epoch)",
  aum: "AUM's full_aum_records.csv (sample_id,num_measurements,target_logit,target_val,other_logit,other_val,margin,aum)",
  'matrix-csv': 'a 0/1 correctness matrix as CSV (one row per sample, one column per step, optional id column and header)',
  'matrix-json': 'a 0/1 correctness matrix as JSON ({"<id>": [0,1,…], …} or [[0,1,…], …])',
};

/** One sample at one step, in any source format: what the interchange format's records hold. */
export interface DynamicsRecord {
  id: string | number;
  step: number;
  label?: number;
  logits?: readonly number[];
  probs?: readonly number[];
  correct?: 0 | 1;
  margin?: number;
  /** Where the record came from, for errors. */
  where: { file: string; line: number };
}

/** Training dynamics read from another tool's files, recorded into a DynamicsRecorder. */
export interface ImportedDynamics {
  format: ImportFormat;
  files: readonly string[];
  series: Series;
  recorder: DynamicsRecorder;
  /** The source's step numbers, ascending: history step t is source step `steps[t]`. */
  steps: readonly number[];
  /** String ids, when the source had them: sample id i is `names[i]`. */
  names?: readonly string[];
  /** The label each sample was trained on (its last record's), when the records carry labels: sample id → class. */
  labels?: ReadonlyMap<number, number>;
  /** Facts worth printing (records of other splits skipped, a header auto-detected, …). */
  notes: string[];
}

type Kind = 'logits' | 'probs' | 'correct';
const kindOf = (r: DynamicsRecord): Kind => (r.logits ? 'logits' : r.probs ? 'probs' : 'correct');

/** Records that can be read more than once: each call parses the sources again (a file streamed from disk). */
export type RecordSource = () => Iterable<DynamicsRecord>;

/** What one source step keeps per sample (by order of first appearance): correctness, and the values derived from scores. */
interface StepColumns {
  /** NO_RECORD where the sample has no record at this step. */
  correct: Uint8Array;
  loss?: Float32Array;
  pGold?: Float32Array;
  margin?: Float32Array;
  el2n?: Float32Array;
  /** A correctness record of this step came without a margin: the step's margins are not passed on. */
  marginMissing: boolean;
}

const NO_RECORD = 255;

/**
 * Feeds records into a recorder, step by step in ascending order: ids are integers when every id
 * is a non-negative integer, else names (in order of first appearance). A file must use one kind
 * of record (logits, probabilities or correctness) and one number of classes.
 *
 * Records are read once, as they come: each is scored on arrival (correctness, loss, p(gold),
 * margin, EL2N: what the recorder derives from scores) and only those values are kept, about 17
 * bytes per sample and step, so a source streamed from disk is never held whole. Give a
 * RecordSource to stream; it is read a second time only to name the first record of a duplicate.
 */
export function recordsToDynamics(input: readonly DynamicsRecord[] | RecordSource, { format, files, series, notes = [] }: { format: ImportFormat; files: readonly string[]; series: Series; notes?: string[] }): ImportedDynamics {
  const records: RecordSource = typeof input === 'function' ? input : () => input;
  let first: DynamicsRecord | undefined;
  let kind: Kind = 'correct';
  let classes: number | undefined;
  let scratch = new Float64Array(0);
  const indexOf = new Map<string, number>();
  const order: (string | number)[] = [];
  let labels = new Int32Array(0);
  const columns = new Map<number, StepColumns>();
  for (const r of records()) {
    if (first === undefined) {
      first = r;
      kind = kindOf(r);
      classes = (r.logits ?? r.probs)?.length;
      scratch = new Float64Array(classes ?? 0);
    } else {
      if (kindOf(r) !== kind) {
        throw new HistoryError(`a record with ${kindOf(r)}, but ${first.where.file} line ${first.where.line} has ${kind}`, r.where, 'expected one kind of record (logits, probs or correct) in all files: mixed formats are not read');
      }
      if (classes !== undefined && (r.logits ?? r.probs)!.length !== classes) {
        throw new HistoryError(`${(r.logits ?? r.probs)!.length} class scores, but ${first.where.file} line ${first.where.line} has ${classes}`, r.where, 'expected the same number of classes in every record');
      }
    }
    const key = String(r.id);
    let index = indexOf.get(key);
    if (index === undefined) {
      index = order.length;
      indexOf.set(key, index);
      order.push(r.id);
    }
    const column = columnFor(columns, r.step, index, order.length, kind);
    if (column.correct[index] !== NO_RECORD) throw duplicateRecord(r, records);
    if (kind === 'correct') {
      column.correct[index] = r.correct!;
      if (r.margin === undefined) column.marginMissing = true;
      else (column.margin ??= grown(new Float32Array(0), column.correct.length))[index] = r.margin;
      continue;
    }
    if (index >= labels.length) labels = grown(labels, Math.max(index + 1, 2 * labels.length));
    labels[index] = r.label!;
    try {
      scoreRow((r.logits ?? r.probs)!, r.label!, kind === 'logits', { correct: column.correct, loss: column.loss!, pGold: column.pGold!, margin: column.margin!, el2n: column.el2n! }, index, scratch);
    } catch (error) {
      if (error instanceof HistoryError) throw new HistoryError(error.message.replace(/^update: /, ''), r.where);
      throw error;
    }
  }
  if (first === undefined) throw new HistoryError(`no records`, { file: files.join(', ') }, `expected ${FORMAT_DESCRIPTIONS[format]}`);
  const { recorder, integer, names } = recorderFor(order, series);
  const steps = [...columns.keys()].sort((a, b) => a - b);
  steps.forEach((step, t) => {
    const column = columns.get(step)!;
    const present: number[] = [];
    for (let index = 0; index < Math.min(order.length, column.correct.length); index++) if (column.correct[index] !== NO_RECORD) present.push(index);
    const ids = integer ? Int32Array.from(present, (index) => Number(order[index])) : present.map((index) => names![index]!);
    const correct = Uint8Array.from(present, (index) => column.correct[index]!);
    const pick = (values: Float32Array) => Float32Array.from(present, (index) => values[index]!);
    if (kind === 'correct') {
      recorder.update({ ids, correct, ...(column.margin && !column.marginMissing ? { margin: pick(column.margin) } : {}), epoch: t });
    } else {
      recorder.update({ ids, correct, loss: pick(column.loss!), pGold: pick(column.pGold!), margin: pick(column.margin!), el2n: pick(column.el2n!), epoch: t });
    }
    // Recorded: the recorder holds the step now, so its columns can go.
    columns.delete(step);
  });
  const labelMap = kind === 'correct' ? undefined : new Map(order.map((id, index) => [integer ? Number(id) : index, labels[index]!]));
  return { format, files, series, recorder, steps, ...(names ? { names } : {}), ...(labelMap ? { labels: labelMap } : {}), notes };
}

/** The columns of source step `step`, made (or grown, doubling) to hold sample `index`. */
function columnFor(columns: Map<number, StepColumns>, step: number, index: number, known: number, kind: Kind): StepColumns {
  let column = columns.get(step);
  if (column === undefined) {
    const size = Math.max(known, 1024);
    column = { correct: new Uint8Array(size).fill(NO_RECORD), marginMissing: false };
    if (kind !== 'correct') Object.assign(column, { loss: new Float32Array(size), pGold: new Float32Array(size), margin: new Float32Array(size), el2n: new Float32Array(size) });
    columns.set(step, column);
  }
  if (index < column.correct.length) return column;
  const size = Math.max(index + 1, 2 * column.correct.length);
  const correct = new Uint8Array(size).fill(NO_RECORD);
  correct.set(column.correct);
  column.correct = correct;
  for (const name of ['loss', 'pGold', 'margin', 'el2n'] as const) {
    const values = column[name];
    if (values) column[name] = grown(values, size);
  }
  return column;
}

function grown<A extends Float32Array | Int32Array>(values: A, size: number): A {
  const bigger = new (values.constructor as new (size: number) => A)(size);
  bigger.set(values);
  return bigger;
}

/** The error for a second record of one sample at one step, naming the first (found by reading the records again: this is rare). */
function duplicateRecord(r: DynamicsRecord, records: RecordSource): HistoryError {
  const key = String(r.id);
  let earlier: DynamicsRecord | undefined;
  for (const candidate of records()) {
    if (String(candidate.id) === key && candidate.step === r.step) {
      earlier = candidate;
      break;
    }
  }
  const first = earlier ? ` (first at ${earlier.where.file} line ${earlier.where.line})` : '';
  return new HistoryError(`sample ${JSON.stringify(r.id)} at step ${r.step} again${first}`, r.where, 'expected one record per sample per step');
}

/** A recorder over these sample ids: integer ids when every id is a non-negative integer, else names. */
function recorderFor(order: readonly (string | number)[], series: Series): { recorder: DynamicsRecorder; integer: boolean; names?: string[] } {
  const integer = order.every((id) => typeof id === 'number' || /^(0|[1-9]\d{0,9})$/.test(id)) && order.every((id) => Number(id) <= 0x7fffffff);
  if (integer) return { recorder: dynamicsRecorder({ ids: order.map(Number), mode: series }), integer };
  const names = order.map(String);
  return { recorder: dynamicsRecorder({ names, mode: series }), integer, names };
}

/**
 * A correctness matrix (sample-major: `correct[r·steps + t]`) into a recorder, one update per step,
 * without a record object per cell (a matrix can hold millions of cells). Ids must be distinct.
 */
export function matrixToDynamics(ids: readonly (string | number)[], correct: Uint8Array, steps: number, { format, files, series, notes = [] }: { format: ImportFormat; files: readonly string[]; series: Series; notes?: string[] }): ImportedDynamics {
  const { recorder, integer, names } = recorderFor(ids, series);
  const given = integer ? Int32Array.from(ids, Number) : ids.map(String);
  const column = new Uint8Array(ids.length);
  for (let t = 0; t < steps; t++) {
    for (let r = 0; r < ids.length; r++) column[r] = correct[r * steps + t]!;
    recorder.update({ ids: given, correct: column, epoch: t });
  }
  return { format, files, series, recorder, steps: Array.from({ length: steps }, (_, t) => t), ...(names ? { names } : {}), notes };
}

/** A JSON number that is a non-negative integer, else undefined. */
export const nonNegativeInteger = (value: unknown): number | undefined => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined);

/** Scores: a non-empty array of finite numbers. */
export function scoresOf(value: unknown, what: string, where: { file: string; line: number }): number[] {
  if (!Array.isArray(value) || value.length < 2 || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new HistoryError(`${what} is ${preview(value)}`, where, 'expected an array of at least 2 finite numbers, one per class');
  }
  return value as number[];
}

export const preview = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
};

/** Parses one JSON line; a syntax error names the file and line. */
export function jsonLine(text: string, where: { file: string; line: number }, expected: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HistoryError(`not valid JSON (${(error as Error).message})`, where, `expected ${expected}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HistoryError(`a JSON ${Array.isArray(value) ? 'array' : typeof value}, not an object`, where, `expected ${expected}`);
  return value as Record<string, unknown>;
}

export const textLines = (text: string): string[] => {
  const lines = (text.startsWith('\uFEFF') ? text.slice(1) : text).split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  return lines;
};
