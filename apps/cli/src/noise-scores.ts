import { readFileSync } from 'node:fs';
import { HistoryError } from '@mgdl/forgetting';
import { sampleScoreRows, scoreById, type SampleScoreRow } from '@mgdl/report';
import type { AnalysisInput } from './import-run.js';

/**
 * Clean labels from an `id,label` CSV (a header line is allowed): the class each sample truly
 * belongs to. With string ids, the first column may name samples by their names.
 */
export function readCleanLabels(file: string, input: Pick<AnalysisInput, 'history' | 'names'>): Map<number, number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new HistoryError(`cannot read the file: ${(error as Error).message}`, { file });
  }
  const idOf = input.names ? new Map(input.names.map((name, id) => [name, id])) : undefined;
  const clean = new Map<number, number>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || (i === 0 && !/^[^,]*,\s*\d+\s*$/.test(line))) return; // blank, or a header
    const [key = '', value = ''] = line.split(',').map((cell) => cell.trim());
    const id = idOf?.get(key) ?? (/^\d+$/.test(key) ? Number(key) : undefined);
    if (id === undefined || input.history.positionOf(id) < 0) throw new HistoryError(`${JSON.stringify(key)} is not a sample of the history`, { file, line: i + 1, column: 1 }, 'expected the ids (or names) the history uses');
    const label = Number(value);
    if (!Number.isInteger(label) || label < 0) throw new HistoryError(`label ${JSON.stringify(value)}`, { file, line: i + 1, column: 2 }, 'expected a class index (a non-negative integer)');
    clean.set(id, label);
  });
  return clean;
}

/**
 * Every score the import knows, per sample, with noisy = (trained label ≠ clean label): the rows
 * `noiseDetection` ranks. The trained labels come from the records (logits or probabilities with
 * their label); a sample without a clean label has unknown noise.
 */
export function importScoreRows(input: AnalysisInput, labels: ReadonlyMap<number, number>, clean: ReadonlyMap<number, number>): SampleScoreRow[] {
  return sampleScoreRows({
    perSample: input.analysis.perSample,
    labelsOf: (id) => {
      const label = labels.get(id);
      if (label === undefined) return undefined;
      const truth = clean.get(id);
      return { label, clean: truth ?? null, noisy: truth === undefined ? null : truth !== label };
    },
    aum: scoreById(input.aum?.ids, input.aum?.aum),
    confidence: scoreById(input.dataMap?.ids, input.dataMap?.confidence),
    variability: scoreById(input.dataMap?.ids, input.dataMap?.variability),
    correctness: scoreById(input.dataMap?.ids, input.dataMap?.correctness),
    el2n: scoreById(input.el2n?.ids, input.el2n?.score),
  });
}
