import { HistoryError } from '../errors.js';
import type { Analysis } from './analyze.js';
import type { SampleStats } from './events.js';

/** A per-sample statistics table as `perSampleCsv` writes it: the analysed samples, and which were noisy when known. */
export interface PerSampleTable extends SampleStats {
  /** 1 where the sample's training label was flipped by label noise; absent when the run had no noise information. */
  noisy?: Uint8Array;
}

const SET_NAMES = ['', 'S1', 'S2', 'S3'] as const;
const INTEGER_COLUMNS = ['id', 'learning_events', 'forgetting_events', 'first_learned', 'learned_for_good', 'first_forgotten', 'final_correct'] as const;
const COLUMNS = [...INTEGER_COLUMNS, 'set'] as const;

/** One row per sample: id, events, first-learned / learned-for-good / first-forgotten steps (−1 = never), final correctness, set. */
export function perSampleCsv(analysis: Analysis, noisyIds?: ReadonlySet<number>): string {
  const s = analysis.perSample;
  const lines = [`${COLUMNS.join(',')}${noisyIds ? ',noisy' : ''}`];
  for (let p = 0; p < s.ids.length; p++) {
    if (s.set[p] === 0) continue; // outside the analysed subset
    const id = s.ids[p]!;
    lines.push(
      `${id},${s.learningEvents[p]},${s.forgettingEvents[p]},${s.firstLearned[p]},${s.learnedForGood[p]},${s.firstForgotten[p]},${s.finalCorrect[p]},${SET_NAMES[s.set[p]!]}${noisyIds ? `,${noisyIds.has(id) ? 1 : 0}` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Reads what `perSampleCsv` wrote; a missing column or a bad cell is an error naming the file, line and column. */
export function readPerSampleCsv(text: string, { file = 'per-sample CSV' }: { file?: string } = {}): PerSampleTable {
  const [header = '', ...rows] = text.split('\n').filter((line) => line.trim() !== '');
  const columns = header.split(',');
  const missing = COLUMNS.filter((name) => !columns.includes(name));
  if (missing.length > 0) throw new HistoryError(`no column ${missing.map((m) => `'${m}'`).join(', ')} in the header`, { file, line: 1 }, `expected the header ${COLUMNS.join(',')}[,noisy]`);
  const hasNoisy = columns.includes('noisy');
  const n = rows.length;
  const ints = Object.fromEntries(INTEGER_COLUMNS.map((name) => [name, new Int32Array(n)])) as Record<(typeof INTEGER_COLUMNS)[number], Int32Array>;
  const set = new Uint8Array(n);
  const noisy = hasNoisy ? new Uint8Array(n) : undefined;
  rows.forEach((row, r) => {
    const cells = row.split(',');
    const where = (name: string) => ({ file, line: r + 2, column: columns.indexOf(name) + 1 });
    if (cells.length !== columns.length) throw new HistoryError(`${cells.length} cells, the header has ${columns.length}`, { file, line: r + 2 });
    for (const name of INTEGER_COLUMNS) {
      const value = Number(cells[columns.indexOf(name)]);
      if (!Number.isInteger(value)) throw new HistoryError(`${name} is ${JSON.stringify(cells[columns.indexOf(name)])}, not an integer`, where(name));
      ints[name][r] = value;
    }
    const setName = cells[columns.indexOf('set')]!;
    const code = SET_NAMES.indexOf(setName as (typeof SET_NAMES)[number]);
    if (code < 1) throw new HistoryError(`set is ${JSON.stringify(setName)}`, where('set'), "expected 'S1', 'S2' or 'S3'");
    set[r] = code;
    if (noisy) {
      const flag = cells[columns.indexOf('noisy')];
      if (flag !== '0' && flag !== '1') throw new HistoryError(`noisy is ${JSON.stringify(flag)}`, where('noisy'), 'expected 0 or 1');
      noisy[r] = Number(flag);
    }
  });
  return {
    ids: ints.id,
    learningEvents: ints.learning_events,
    forgettingEvents: ints.forgetting_events,
    firstLearned: ints.first_learned,
    learnedForGood: ints.learned_for_good,
    firstForgotten: ints.first_forgotten,
    finalCorrect: Uint8Array.from(ints.final_correct),
    set,
    ...(noisy ? { noisy } : {}),
  };
}
