import { HistoryError } from '../errors.js';
import type { Series } from '../history.js';
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

/**
 * Feeds records into a recorder, step by step in ascending order: ids are integers when every id
 * is a non-negative integer, else names (in order of first appearance). A file must use one kind
 * of record (logits, probabilities or correctness) and one number of classes.
 */
export function recordsToDynamics(records: readonly DynamicsRecord[], { format, files, series, notes = [] }: { format: ImportFormat; files: readonly string[]; series: Series; notes?: string[] }): ImportedDynamics {
  if (records.length === 0) throw new HistoryError(`no records`, { file: files.join(', ') }, `expected ${FORMAT_DESCRIPTIONS[format]}`);
  const first = records[0]!;
  const kind = kindOf(first);
  const classes = (first.logits ?? first.probs)?.length;
  const seen = new Map<string, DynamicsRecord>();
  for (const r of records) {
    if (kindOf(r) !== kind) {
      throw new HistoryError(`a record with ${kindOf(r) === 'correct' ? 'correct' : kindOf(r)}, but ${first.where.file} line ${first.where.line} has ${kind}`, r.where, 'expected one kind of record (logits, probs or correct) in all files: mixed formats are not read');
    }
    if (classes !== undefined && (r.logits ?? r.probs)!.length !== classes) {
      throw new HistoryError(`${(r.logits ?? r.probs)!.length} class scores, but ${first.where.file} line ${first.where.line} has ${classes}`, r.where, 'expected the same number of classes in every record');
    }
    const key = `${typeof r.id}:${r.id}\u0000${r.step}`;
    const twice = seen.get(key);
    if (twice) throw new HistoryError(`sample ${JSON.stringify(r.id)} at step ${r.step} again (first at ${twice.where.file} line ${twice.where.line})`, r.where, 'expected one record per sample per step');
    seen.set(key, r);
  }
  const order: (string | number)[] = [];
  const known = new Set<string>();
  for (const r of records) {
    const key = String(r.id);
    if (!known.has(key)) {
      known.add(key);
      order.push(r.id);
    }
  }
  const { recorder, integer, names } = recorderFor(order, series);
  const steps = [...new Set(records.map((r) => r.step))].sort((a, b) => a - b);
  const stepIndex = new Map(steps.map((s, t) => [s, t]));
  const byStep = steps.map((): DynamicsRecord[] => []);
  for (const r of records) byStep[stepIndex.get(r.step)!]!.push(r);
  byStep.forEach((group, t) => {
    const ids = integer ? group.map((r) => Number(r.id)) : group.map((r) => String(r.id));
    try {
      if (kind === 'correct') {
        recorder.update({ ids, correct: group.map((r) => r.correct!), ...(group.every((r) => r.margin !== undefined) ? { margin: group.map((r) => r.margin!) } : {}), epoch: t });
      } else {
        recorder.update({ ids, [kind === 'logits' ? 'logits' : 'probabilities']: group.map((r) => (r.logits ?? r.probs)!), labels: group.map((r) => r.label!), epoch: t });
      }
    } catch (error) {
      // Name the record: the recorder only knows entry k of the step.
      const entry = /entry (\d+)/.exec((error as Error).message);
      const record = entry ? group[Number(entry[1])] : undefined;
      throw record ? new HistoryError((error as Error).message.replace(/^update: /, ''), record.where) : error;
    }
  });
  const idOf = names ? new Map(names.map((name, id) => [name, id])) : undefined;
  const labels = kind === 'correct' ? undefined : new Map(records.map((r) => [idOf ? idOf.get(String(r.id))! : Number(r.id), r.label!]));
  return { format, files, series, recorder, steps, ...(names ? { names } : {}), ...(labels ? { labels } : {}), notes };
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
