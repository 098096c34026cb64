import { readFileSync } from 'node:fs';
import type { RunEvent } from './layout.js';
import { RunFileError } from './read-json.js';

/** metrics/<tag>.csv: one row per recorded value of one tag, `epoch` 0-based as in events.jsonl. */
export type TagRow = Pick<RunEvent, 'step' | 'epoch' | 'value'>;

export const TAG_CSV_HEADER = 'step,epoch,value';

/** The rows the run writer appends for `events` (without the header). */
export const tagCsvRows = (events: readonly TagRow[]): string => events.map((e) => `${e.step},${e.epoch},${e.value}`).join('\n') + '\n';

/** Reads a tag CSV the run writer wrote; a bad row is an error naming the file and line. */
export function readTagCsv(path: string): TagRow[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new RunFileError(path, `cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const [header, ...rows] = text.split('\n').filter(Boolean);
  if (header !== TAG_CSV_HEADER) throw new RunFileError(path, `header is ${JSON.stringify(header ?? '')}, expected '${TAG_CSV_HEADER}'`);
  return rows.map((row, i) => {
    const [step, epoch, value] = row.split(',').map(Number);
    if (![step, epoch, value].every(Number.isFinite)) throw new RunFileError(path, `line ${i + 2} is ${JSON.stringify(row)}, not step,epoch,value numbers`);
    return { step: step!, epoch: epoch!, value: value! };
  });
}
