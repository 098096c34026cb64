/**
 * A plugin's per-sample state as typed arrays: the checkpoint stores them as bytes in its data file
 * (the manifest keeps a small placeholder each) and a resume hands back equal typed arrays.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpoint, writeCheckpoint, type KernelPlugin } from '@mgdl/kernel';

/** Counts, per sample id, how often it was classified correctly. */
function correctCounts(samples: number): KernelPlugin & { counts: () => Uint32Array } {
  let counts: Uint32Array = new Uint32Array(samples);
  return {
    name: 'correct-counts',
    perSample: true,
    onBatchEnd: (event) => event.ids.forEach((id, i) => (counts[id]! += event.correct![i]!)),
    stateDict: () => ({ counts: counts.slice() }),
    loadStateDict: (state) => void (counts = (state as { counts: Uint32Array }).counts),
    counts: () => counts,
  };
}

const plugin = correctCounts(60_000);
plugin.loadStateDict!({ counts: new Uint32Array(60_000).fill(3) });
// train() and trainEnsemble() write checkpoints like this one, with every plugin's stateDict().
const dir = mkdtempSync(join(tmpdir(), 'checkpoint-'));
writeCheckpoint(dir, {
  epoch: 1,
  batchIndex: 0,
  step: 470,
  seed: 0,
  randomState: 0,
  history: [],
  epochTally: { lossSum: 0, correct: 0, samples: 0, batches: 0, seconds: 0, termSums: {} },
  plugins: { [plugin.name]: plugin.stateDict!() },
  weights: [],
  optimizer: { name: 'sgd', scalars: {}, slots: [] },
});
const resumed = correctCounts(60_000);
resumed.loadStateDict!(readCheckpoint(dir)!.plugins[plugin.name]);
console.log(`manifest ${readFileSync(join(dir, 'checkpoint.json')).length} bytes; counts restored as ${resumed.counts().constructor.name}, sum ${resumed.counts().reduce((a, b) => a + b, 0)}`);
