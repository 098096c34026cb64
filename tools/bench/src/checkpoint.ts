/**
 * npm run bench:checkpoint [-- --members 10 --samples 10000 --epochs 5 --writes 12]
 *
 * One group checkpoint of a seed ensemble of cic-width cells: every member with the per-sample
 * plugins a cell trains with (forgetting statistics, data maps, AUM, EL2N mean, last loss) after
 * `--epochs` epochs, and fcnn w=4's weights and Adam slots. Times `writeCheckpoint` (the plugins'
 * stateDict included) with the states as the plugins return them (typed arrays, stored as bytes)
 * against the reference measured in the same run: the same states in the form checkpoints held
 * before (base64 strings and number lists inside the JSON manifest).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aum, dataMaps, el2n, forgettingStatistics, lastLoss } from '@mgdl/forgetting';
import { writeCheckpoint, type CheckpointState, type KernelPlugin } from '@mgdl/kernel';
import { createRandom } from '@mgdl/random';
import { commandLine, positiveInteger } from './command-line.js';

const HELP = `Usage: npm run bench:checkpoint -- [options]
  --members N   ensemble members (default: 10)
  --samples N   training samples per member (default: 10000)
  --epochs N    epochs recorded before the checkpoint (default: 5)
  --writes N    checkpoints timed per form, after 2 untimed (default: 12)
  -h, --help    this text`;
const cli = commandLine('bench:checkpoint', HELP, {
  members: { type: 'string', default: '10' },
  samples: { type: 'string', default: '10000' },
  epochs: { type: 'string', default: '5' },
  writes: { type: 'string', default: '12' },
});
const [memberCount, samples, epochs, writes] = (['members', 'samples', 'epochs', 'writes'] as const).map((flag) => cli.value(flag, positiveInteger));

const random = createRandom(0x2545f491);
const BATCH = 100;
const control = { stop: () => undefined };
// Ids spread over MNIST's 60,000 indices, as a cell's stratified subset is.
const ids = Int32Array.from({ length: samples! }, (_, i) => i * Math.max(1, Math.floor(60_000 / samples!)));
const members: KernelPlugin[][] = Array.from({ length: memberCount! }, () => [
  forgettingStatistics({ ids }),
  aum({ source: 'presentation' }),
  dataMaps({ source: 'presentation' }),
  el2n({ source: 'presentation', keep: 'mean' }),
  lastLoss({ source: 'presentation' }),
]);
for (const plugins of members) {
  for (let epoch = 0; epoch < epochs!; epoch++) {
    for (let start = 0; start < samples!; start += BATCH) {
      const batch = ids.subarray(start, start + BATCH);
      const values = () => Float32Array.from(batch, () => random());
      const event = { epoch, step: 0, batchIndex: 0, meanLoss: 0, terms: {}, learningRate: 0.1, ids: batch, correct: Uint8Array.from(batch, () => (random() < 0.7 ? 1 : 0)), loss: values(), margin: values(), pGold: values(), el2n: values() };
      for (const plugin of plugins) void plugin.onBatchEnd?.(event, control);
    }
  }
}

/** The form plugin states had in checkpoints before typed arrays: base64 of their bytes; last-loss's as number lists. */
const olderForm = (state: unknown, plugin: string): unknown => {
  if (plugin.startsWith('last-loss')) return Object.fromEntries(Object.entries(state as Record<string, Float32Array>).map(([key, array]) => [key, Array.from(array)]));
  const walk = (node: unknown): unknown =>
    ArrayBuffer.isView(node)
      ? Buffer.from(node.buffer, node.byteOffset, node.byteLength).toString('base64')
      : typeof node === 'object' && node !== null && !Array.isArray(node)
        ? Object.fromEntries(Object.entries(node).map(([key, value]) => [key, walk(value)]))
        : node;
  return walk(state);
};

const weights = [[784, 4], [4], [4, 10], [10]].flatMap((shape, layer) =>
  members.map((_, m) => ({ name: `member${m}/${layer}`, shape, dtype: 'float32' as const, values: Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => random()) })),
);
const tally = { lossSum: 0, correct: 0, samples: 0, batches: 0, seconds: 0, termSums: {} };
const stateAt = (step: number, form: 'binary' | 'older'): CheckpointState =>
  ({
    epoch: epochs!,
    batchIndex: 0,
    step,
    seed: 0,
    randomState: 0,
    history: [],
    plugins: {},
    epochTally: tally,
    weights,
    optimizer: { name: 'adam', scalars: { t: step }, slots: weights.flatMap((w) => [{ ...w, name: `${w.name}/m` }, { ...w, name: `${w.name}/v` }]) },
    members: members.map((plugins, m) => ({
      seed: m,
      randomState: 0,
      history: [],
      epochTally: tally,
      steps: step,
      plugins: Object.fromEntries(plugins.map((p) => [p.name, form === 'binary' ? p.stateDict!() : olderForm(p.stateDict!(), p.name)])),
    })),
  }) as CheckpointState;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const measure = (form: 'binary' | 'older') => {
  const dir = mkdtempSync(join(tmpdir(), `bench-checkpoint-${form}-`));
  const times: number[] = [];
  for (let step = 1; step <= writes! + 2; step++) {
    const start = performance.now();
    writeCheckpoint(dir, stateAt(step, form));
    if (step > 2) times.push(performance.now() - start);
  }
  const sizes = { manifest: statSync(join(dir, 'checkpoint.json')).size, data: statSync(join(dir, `checkpoint-${writes! + 2}.bin`)).size };
  rmSync(dir, { recursive: true, force: true });
  return { ms: median(times), ...sizes };
};
// Alternated, so that a change in the machine's load falls on both forms alike.
const runs = { binary: [] as ReturnType<typeof measure>[], older: [] as ReturnType<typeof measure>[] };
for (let round = 0; round < 2; round++) for (const form of ['older', 'binary'] as const) runs[form].push(measure(form));
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
console.log(`${memberCount} members × ${samples} samples, ${epochs} epochs; load average ${(await import('node:os')).loadavg()[0]!.toFixed(2)}`);
for (const form of ['older', 'binary'] as const) {
  const last = runs[form].at(-1)!;
  console.log(`${form === 'older' ? 'reference (base64 / number lists in the manifest)' : 'typed arrays in the data file'}: ${median(runs[form].map((r) => r.ms)).toFixed(1)} ms per checkpoint; checkpoint.json ${mb(last.manifest)}, data file ${mb(last.data)}`);
}
console.log(`ratio reference / typed arrays: ${(median(runs.older.map((r) => r.ms)) / median(runs.binary.map((r) => r.ms))).toFixed(2)}×`);
