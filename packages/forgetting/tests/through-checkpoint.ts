import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpoint, writeCheckpoint } from '@mgdl/kernel';

/**
 * A plugin state as a resume gets it back: written into a real kernel checkpoint (its typed arrays
 * as bytes in the data file) and read from it again.
 */
export function throughCheckpoint(state: unknown): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'mgdl-forgetting-state-'));
  try {
    writeCheckpoint(dir, {
      epoch: 0,
      batchIndex: 0,
      step: 1,
      seed: 0,
      randomState: 0,
      history: [],
      epochTally: { lossSum: 0, correct: 0, samples: 0, batches: 0, seconds: 0, termSums: {} },
      plugins: { plugin: state },
      weights: [],
      optimizer: { name: 'sgd', scalars: {}, slots: [] },
    });
    return readCheckpoint(dir)!.plugins['plugin'];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A plugin state as checkpoints held it before typed arrays: base64 of their bytes, through JSON. */
export { base64Arrays as olderForm } from '../src/state-arrays.js';
