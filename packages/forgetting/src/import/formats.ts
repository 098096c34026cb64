import { HistoryError } from '../errors.js';
import { parseSeries, type Series } from '../history.js';
import { FORMAT_DESCRIPTIONS, jsonLine, nonNegativeInteger, preview, recordsToDynamics, scoresOf, type DynamicsRecord, type ImportedDynamics } from './records.js';
import { firstLine, linesOf, type Source } from './sources.js';

/*
 * The record formats. Each parser reads its sources line by line and hands recordsToDynamics one
 * record at a time, so a source streamed from disk (SourceLines) is never held whole; a malformed
 * line is named by its file and line number however deep it lies.
 */

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
export function parseInterchange(sources: readonly Source[], { series: override }: { series?: Series } = {}): ImportedDynamics {
  let series: Series | undefined;
  const expectedHeader = `a first line {"format":"${INTERCHANGE_FORMAT}","version":${INTERCHANGE_VERSION}} (mgdl's interchange format)`;
  for (const source of sources) {
    const { file } = source;
    const line = firstLine(source);
    if (line === undefined) throw new HistoryError('empty file', { file, line: 1 }, `expected ${expectedHeader}`);
    const header = jsonLine(line, { file, line: 1 }, expectedHeader);
    if (header.format !== INTERCHANGE_FORMAT) throw new HistoryError(`format is ${preview(header.format)}`, { file, line: 1 }, `expected ${expectedHeader}`);
    if (header.version !== INTERCHANGE_VERSION) throw new HistoryError(`unsupported version ${preview(header.version)}`, { file, line: 1 }, `this reader knows version ${INTERCHANGE_VERSION}`);
    const own = header.series === undefined ? 'presentation' : parseSeries(header.series, `${file} line 1`);
    if (series !== undefined && own !== series) throw new HistoryError(`series '${own}', but an earlier file has '${series}'`, { file, line: 1 }, 'expected files of one series');
    series = own;
  }
  let skipped = 0;
  function* records(): Generator<DynamicsRecord, void, undefined> {
    skipped = 0;
    for (const source of sources) {
      let number = 0;
      for (const text of linesOf(source)) {
        const where = { file: source.file, line: ++number };
        if (number === 1 || text.trim() === '') continue;
        const record = interchangeRecord(text, where);
        if (record) yield record;
        else skipped++;
      }
    }
  }
  const imported = recordsToDynamics(records, { format: 'mgdl-jsonl', files: sources.map((s) => s.file), series: override ?? series ?? 'presentation' });
  if (skipped) imported.notes.push(`${skipped} records of other splits (not "train") skipped`);
  return imported;
}

/** One record line of the interchange format; undefined for a record of another split than "train". */
function interchangeRecord(text: string, where: { file: string; line: number }): DynamicsRecord | undefined {
  const r = jsonLine(text, where, 'a record {"id", "step", "label", "logits" | "probs" | "correct"}');
  const unknown = Object.keys(r).find((k) => !['id', 'step', 'label', 'logits', 'probs', 'correct', 'split'].includes(k));
  if (unknown) throw new HistoryError(`unknown key ${JSON.stringify(unknown)}`, where, 'expected only id, step, label, logits | probs | correct, split');
  if (r.split !== undefined && r.split !== 'train') return undefined;
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
    return record;
  }
  const label = nonNegativeInteger(r.label);
  if (label === undefined) throw new HistoryError(`label is ${preview(r.label)}`, where, 'expected the class index (a non-negative integer)');
  record.label = label;
  if (r.logits !== undefined) record.logits = scoresOf(r.logits, 'logits', where);
  else record.probs = scoresOf(r.probs, 'probs', where);
  if (label >= (record.logits ?? record.probs)!.length) throw new HistoryError(`label ${label} with ${(record.logits ?? record.probs)!.length} class scores`, where, 'expected a label below the number of classes');
  return record;
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
export function parseCartography(sources: readonly Source[], { series = 'presentation' }: { series?: Series } = {}): ImportedDynamics {
  const expected = FORMAT_DESCRIPTIONS.cartography;
  const epochs = sources.map(({ file }) => {
    const match = CARTOGRAPHY_FILE.exec(file);
    if (!match) throw new HistoryError('the file name does not say the epoch', { file }, 'expected dynamics_epoch_N.jsonl, as cartography writes');
    return Number(match[1]);
  });
  function* records(): Generator<DynamicsRecord, void, undefined> {
    for (const [position, source] of sources.entries()) {
      const epoch = epochs[position]!;
      const key = `logits_epoch_${epoch}`;
      let number = 0;
      for (const line of linesOf(source)) {
        const where = { file: source.file, line: ++number };
        if (line.trim() === '') continue;
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
        yield { id, step: epoch, label: gold, logits, where };
      }
    }
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
export function parseAumRecords(source: Source, { series = 'presentation' }: { series?: Series } = {}): ImportedDynamics {
  const { file } = source;
  const head = firstLine(source);
  if (head === undefined) throw new HistoryError('empty file', { file, line: 1 }, `expected ${FORMAT_DESCRIPTIONS.aum}`);
  const header = head.split(',').map((c) => c.trim());
  const missing = AUM_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) throw new HistoryError(`no column ${missing.join(', ')} in the header`, { file, line: 1 }, `expected the header ${AUM_COLUMNS.join(',')}`);
  const at = Object.fromEntries(AUM_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<(typeof AUM_COLUMNS)[number], number>;
  function* records(): Generator<DynamicsRecord, void, undefined> {
    let line = 0;
    for (const text of linesOf(source)) {
      line++;
      if (line === 1 || text.trim() === '') continue;
      const cells = text.split(',');
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
      yield { id: idCell, step: measurement - 1, correct: margin > 0 ? 1 : 0, margin, where: { file, line } };
    }
  }
  return recordsToDynamics(records, { format: 'aum', files: [file], series });
}
