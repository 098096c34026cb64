import { createRequire } from 'node:module';
import { beforeAll, describe } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { trainStepSuite } from '../train-step.js';

// Run with `npx nx run @mgdl/models:test:native` on a machine with native TensorFlow. Not part of
// `npm test`: tfjs-node downloads libtensorflow at install time, which most machines here cannot.
const installed = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'].find((name) => {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
});

describe('native TensorFlow', () => {
  beforeAll(async () => {
    if (!installed) throw new Error('neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed: see "GPU and native TensorFlow" in the README');
    await initBackend({ backend: installed === '@tensorflow/tfjs-node-gpu' ? 'tfjs-node-gpu' : 'tfjs-node' });
  });
  trainStepSuite(installed ?? 'tfjs-node');
});
