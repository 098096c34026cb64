import { readFileSync } from 'node:fs';
import { SAMPLE_TABLES } from '@mgdl/io';
import { RunFileError } from '../run/read-json.js';

/**
 * samples/scores.csv: one row per training sample with every per-sample score a run knows, so the
 * report can rank samples and measure which score finds the mislabelled ones. Unknown values are
 * empty cells (read back as null): a run without noise information has no `clean`/`noisy`, a run
 * without AUM has no `aum`, and so on.
 */
export interface SampleScoreRow {
  id: number;
  /** The label training used (the noisy one for a mislabelled sample). */
  label: number;
  /** The clean label, when known. */
  clean: number | null;
  /** True when the training label differs from the clean one; null when unknown. */
  noisy: boolean | null;
  /** 1: never learned (S1), 2: unforgettable (S2), 3: forgotten at least once (S3). */
  set: 1 | 2 | 3;
  forgetting: number;
  /** First step (epoch) at which the sample was right; null when never. */
  firstLearned: number | null;
  /** Area under the margin (mean margin over epochs). */
  aum: number | null;
  /** Data-map confidence: mean p(gold) over epochs. */
  confidence: number | null;
  /** Data-map variability: std of p(gold) over epochs. */
  variability: number | null;
  /** Fraction of epochs the sample was right. */
  correctness: number | null;
  /** EL2N, mean over the recorded epochs (experiment cells: the first 20). */
  el2n: number | null;
  /** Per-sample loss at the last epoch. */
  finalLoss: number | null;
}

/** A per-sample score keyed by sample id (AUM, a data-map coordinate, EL2N, the final loss). */
export type ScoreById = ReadonlyMap<number, number>;

/** What a score row is built from: the forgetting analysis per sample, each sample's labels, and the scores that were recorded. */
export interface SampleScoreSources {
  perSample: { ids: Int32Array; set: ArrayLike<number>; forgettingEvents: ArrayLike<number>; firstLearned: ArrayLike<number> };
  /** The training label, and the clean label and noise flag where known; undefined leaves the sample out. */
  labelsOf: (id: number) => { label: number; clean: number | null; noisy: boolean | null } | undefined;
  aum?: ScoreById;
  confidence?: ScoreById;
  variability?: ScoreById;
  correctness?: ScoreById;
  el2n?: ScoreById;
  finalLoss?: ScoreById;
}

/** `ids[i] → values[i]`, for score arrays that come with their own id order. */
export const scoreById = (ids: Int32Array | undefined, values: ArrayLike<number> | undefined): ScoreById => new Map(ids && values ? Array.from(ids, (id, i) => [id, values[i]!] as const) : []);

/**
 * One row per sample that was presented (set 1–3) and has labels: the one builder of the rows of
 * samples/scores.csv, for experiment cells and imported logs alike.
 */
export function sampleScoreRows(sources: SampleScoreSources): SampleScoreRow[] {
  const s = sources.perSample;
  const rows: SampleScoreRow[] = [];
  for (let p = 0; p < s.ids.length; p++) {
    if (s.set[p] === 0) continue;
    const id = s.ids[p]!;
    const labels = sources.labelsOf(id);
    if (!labels) continue;
    rows.push({
      id,
      ...labels,
      set: s.set[p] as 1 | 2 | 3,
      forgetting: s.forgettingEvents[p]!,
      firstLearned: s.firstLearned[p]! >= 0 ? s.firstLearned[p]! : null,
      aum: sources.aum?.get(id) ?? null,
      confidence: sources.confidence?.get(id) ?? null,
      variability: sources.variability?.get(id) ?? null,
      correctness: sources.correctness?.get(id) ?? null,
      el2n: sources.el2n?.get(id) ?? null,
      finalLoss: sources.finalLoss?.get(id) ?? null,
    });
  }
  return rows;
}

const COLUMNS = ['id', 'label', 'clean', 'noisy', 'set', 'forgetting', 'first_learned', 'aum', 'confidence', 'variability', 'correctness', 'el2n', 'final_loss'] as const;
export const SAMPLE_SCORES_HEADER = COLUMNS.join(',');

const cell = (value: number | null) => (value === null || !Number.isFinite(value) ? '' : String(value));

/** The CSV text of `rows` (header first); write it with the run writer's `writeSamples('scores', …)`. */
export function sampleScoresCsv(rows: readonly SampleScoreRow[]): string {
  const lines = rows.map((r) =>
    [r.id, r.label, cell(r.clean), r.noisy === null ? '' : r.noisy ? 1 : 0, `S${r.set}`, r.forgetting, cell(r.firstLearned), cell(r.aum), cell(r.confidence), cell(r.variability), cell(r.correctness), cell(r.el2n), cell(r.finalLoss)].join(','),
  );
  return `${SAMPLE_SCORES_HEADER}\n${lines.join('\n')}${lines.length ? '\n' : ''}`;
}

/** Reads samples/scores.csv as `sampleScoresCsv` wrote it; a bad cell is an error naming the file, line and column. */
export function readSampleScores(path: string): SampleScoreRow[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new RunFileError(path, `cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseSampleScores(text, path);
}

export function parseSampleScores(text: string, file = `${SAMPLE_TABLES.scores}.csv`): SampleScoreRow[] {
  const [header, ...lines] = text.split('\n').filter(Boolean);
  if (header !== SAMPLE_SCORES_HEADER) throw new RunFileError(file, `header is ${JSON.stringify(header ?? '')}, expected '${SAMPLE_SCORES_HEADER}'`);
  return lines.map((line, i) => {
    const cells = line.split(',');
    const bad = (column: string, expected: string): never => {
      throw new RunFileError(file, `line ${i + 2}: ${column} is ${JSON.stringify(cells[COLUMNS.indexOf(column as (typeof COLUMNS)[number])] ?? '')}, expected ${expected}`, column);
    };
    if (cells.length !== COLUMNS.length) throw new RunFileError(file, `line ${i + 2} has ${cells.length} cells, expected ${COLUMNS.length}`);
    const get = (column: (typeof COLUMNS)[number]) => cells[COLUMNS.indexOf(column)]!;
    const integer = (column: (typeof COLUMNS)[number]) => {
      const value = Number(get(column));
      return get(column) !== '' && Number.isInteger(value) ? value : bad(column, 'an integer');
    };
    const optional = (column: (typeof COLUMNS)[number]) => {
      if (get(column) === '') return null;
      const value = Number(get(column));
      return Number.isFinite(value) ? value : bad(column, 'a number or an empty cell');
    };
    const noisy = get('noisy');
    if (!['', '0', '1'].includes(noisy)) bad('noisy', '0, 1 or an empty cell');
    const set = ['S1', 'S2', 'S3'].indexOf(get('set')) + 1;
    if (set === 0) bad('set', 'S1, S2 or S3');
    return {
      id: integer('id'),
      label: integer('label'),
      clean: optional('clean'),
      noisy: noisy === '' ? null : noisy === '1',
      set: set as 1 | 2 | 3,
      forgetting: integer('forgetting'),
      firstLearned: optional('first_learned'),
      aum: optional('aum'),
      confidence: optional('confidence'),
      variability: optional('variability'),
      correctness: optional('correctness'),
      el2n: optional('el2n'),
      finalLoss: optional('final_loss'),
    };
  });
}
