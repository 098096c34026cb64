import { HistoryError } from './errors.js';
import type { History } from './history.js';

/**
 * Meso-scale groups from a CSV of `id,group` lines (a header line is allowed): each group is the
 * ids with the same group label, in order of first appearance. Ids must be in the history, once.
 */
export function parseGroups(text: string, history: History, file = 'groups'): Int32Array[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) throw new HistoryError('the groups file is empty', { file }, 'expected lines of id,group');
  const byLabel = new Map<string, number[]>();
  const seenOn = new Map<number, number>();
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    const cells = line.split(',');
    if (index === 0 && !/^\d+$/.test(cells[0]!.trim())) return; // header
    if (cells.length !== 2) throw new HistoryError(`${cells.length} columns`, { file, line: lineNo }, 'expected 2: id,group');
    const idText = cells[0]!.trim();
    const id = Number(idText);
    if (!/^\d+$/.test(idText)) throw new HistoryError(`id '${idText}' is not a non-negative integer`, { file, line: lineNo, column: 1 });
    if (history.positionOf(id) < 0) throw new HistoryError(`id ${id} is not a sample of the history`, { file, line: lineNo, column: 1 }, 'the groups must name ids of the analysed samples');
    const earlier = seenOn.get(id);
    if (earlier !== undefined) throw new HistoryError(`id ${id} appears again (first on line ${earlier})`, { file, line: lineNo, column: 1 }, 'each id belongs to one group');
    seenOn.set(id, lineNo);
    const label = cells[1]!.trim();
    if (!byLabel.has(label)) byLabel.set(label, []);
    byLabel.get(label)!.push(id);
  });
  return [...byLabel.values()].map((ids) => Int32Array.from(ids));
}

/**
 * What `mesoGroups` reads of a source of shuffled batches: @mgdl/datasets' `Batcher` is one. Written
 * out here because this package imports no datasets (they bring tfjs; this core runs in a browser).
 */
export interface BatchOrder {
  readonly batchSize: number;
  /** Row positions in epoch `epoch`'s order. */
  order(epoch: number): Int32Array;
  /** `dataset.ids[row]` is the sample id of a row position. */
  readonly dataset: { readonly ids: Int32Array };
}

/**
 * The meso scale of the seed paper: the training set partitioned into fixed batch-sized groups by
 * id, group g holding the samples of batch g in epoch 0 (dataset order when not shuffling). Unlike
 * batches, it covers every sample even with dropLast (the last group is then the smaller
 * remainder). Give it to `analyze(history, { groups })`.
 */
export function mesoGroups(batcher: BatchOrder): Int32Array[] {
  const order = batcher.order(0);
  const ids = batcher.dataset.ids;
  const groups: Int32Array[] = [];
  for (let start = 0; start < order.length; start += batcher.batchSize) {
    groups.push(Int32Array.from(order.subarray(start, start + batcher.batchSize), (row) => ids[row]!));
  }
  return groups;
}
