/**
 * Five seeds of the cic-width FCNN (w = 4) on MNIST in one pass: each member trains on its own
 * stratified subset in its own order from its own initial weights, and its own plugin counts how
 * often each of its samples went from correct to wrong (a forgetting event). With MGDL_DATA_DIR set
 * to a folder holding `mnist/` it trains on MNIST; without, on a small synthetic stand-in.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@mgdl/backend';
import { Batcher, loadMnist, takeStratified, writeSyntheticDataset } from '@mgdl/datasets';
import { trainEnsemble, type KernelPlugin } from '@mgdl/kernel';
import { buildModel } from '@mgdl/models';

/** Counts forgetting events per sample id: correct in one presentation, wrong in the next. */
function forgettingCounter(): KernelPlugin & { events: () => number } {
  const lastCorrect = new Map<number, number>();
  let events = 0;
  return {
    name: 'forgetting-counter',
    perSample: true,
    onBatchEnd: ({ ids, correct }) =>
      ids.forEach((id, i) => {
        if (lastCorrect.get(id) === 1 && correct![i] === 0) events++;
        lastCorrect.set(id, correct![i]!);
      }),
    events: () => events,
  };
}

const real = process.env['MGDL_DATA_DIR'] !== undefined;
const source = real ? {} : { dataDir: writeSyntheticDataset(mkdtempSync(join(tmpdir(), 'mnist-')), 'mnist', { train: 1200, test: 200 }), verify: false };
const [samples, epochs] = real ? [10000, 5] : [1000, 2];

await initBackend();
const all = await loadMnist({ split: 'train', ...source });
const test = await loadMnist({ split: 'test', ...source });
const seeds = [1, 2, 3, 4, 5];
const counters = seeds.map(() => forgettingCounter());
const { members, seconds } = await trainEnsemble({
  model: () => buildModel('fcnn', { width: 4, inputShape: [28, 28, 1] }),
  members: seeds.map((seed, i) => ({ seed, data: new Batcher(takeStratified(all, samples, seed), { batchSize: 128, seed }), plugins: [counters[i]!] })),
  epochs,
  learningRate: 1e-3,
  evaluation: { test: new Batcher(test, { batchSize: 500, shuffle: false }) },
});
members.forEach(({ epochMetrics }, i) => console.log(`seed ${seeds[i]}: test accuracy ${(100 * epochMetrics.at(-1)!.test!.accuracy!).toFixed(2)}%, ${counters[i]!.events()} forgetting events`));
console.log(`${seeds.length} seeds in ${seconds.toFixed(1)} s`);
