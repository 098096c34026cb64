import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Batcher, loadDataset, padImages, takeFirst, verifyFiles, type Dataset } from '@mgdl/datasets';
import { trainingSubset } from '@mgdl/experiment';
import type { BenchCell } from './cases.js';

/** The data a cell needs is not in the data folder: the bench exits 2 with this message. */
export class CellDataError extends Error {}

/**
 * The dataset the cell will train on, as classificationCell resolves it (CIFAR-10 when complete,
 * else Fashion-MNIST for cifar-10-or-fashion-mnist), checked to be on disk rather than downloaded.
 */
export async function cellDataset(cell: BenchCell): Promise<string> {
  const rows = await verifyFiles({ dataDir: cell.config.dataDir });
  const complete = (name: string) => rows.some((r) => r.dataset === name) && rows.filter((r) => r.dataset === name).every((r) => r.status === 'ok');
  const wanted = cell.config.dataset === 'cifar-10-or-fashion-mnist' ? ['cifar-10', 'fashion-mnist'] : [cell.config.dataset];
  const found = wanted.find(complete);
  if (found) return found;
  const problems = rows.filter((r) => wanted.includes(r.dataset) && r.status !== 'ok').map((r) => `${r.dataset}/${r.file}: ${r.status} (${r.detail})`);
  throw new CellDataError(
    `${cell.name} needs ${wanted.join(' or ')} in ${cell.config.dataDir}, which lacks ${problems.join('; ')}. ` +
      'Pass --data-dir DIR (or set MGDL_DATA_DIR) to the folder that holds mnist/, fashion-mnist/…; `npm run mgdl -- data verify --data-dir DIR` lists what is there.',
  );
}

/** The cell's training subset (label noise included) and test set, padded as the cell pads them. */
export async function cellSplits(cell: BenchCell, dataset: string): Promise<{ train: Dataset; test: Dataset }> {
  const source = { dataDir: cell.config.dataDir, split: 'train' as const };
  const train = trainingSubset(await loadDataset(dataset, source), cell.config);
  const test = takeFirst(await loadDataset(dataset, { ...source, split: 'test' }), cell.config.testSize);
  return cell.spec.needs32 && train.sampleShape[0] !== 32 ? { train: padImages(train), test: padImages(test) } : { train, test };
}

/** Normalised float32 images (NHWC) and int32 labels, as the cell's Batcher makes them, for the PyTorch script. */
function rawTensors(data: Dataset): { x: Float32Array; y: Int32Array } {
  const batcher = new Batcher(data, { batchSize: data.labels.length, shuffle: false });
  for (const batch of batcher.epoch(0)) return { x: batch.x.dataSync() as Float32Array, y: Int32Array.from(batch.labels) };
  throw new Error(`${data.name} has no samples`);
}

/** Writes train-x.f32, train-y.i32, test-x.f32, test-y.i32 and meta.json into `dir`. */
export function writeCellData(dir: string, { train, test }: { train: Dataset; test: Dataset }): void {
  for (const [name, data] of [['train', train], ['test', test]] as const) {
    const { x, y } = rawTensors(data);
    writeFileSync(join(dir, `${name}-x.f32`), x);
    writeFileSync(join(dir, `${name}-y.i32`), y);
  }
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ sampleShape: train.sampleShape, classes: train.classNames.length, train: train.labels.length, test: test.labels.length }));
}
