import { createRequire } from 'node:module';
import { beforeAll, describe } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { trainStepSuite } from './train-step.js';

// tfjs-node needs libtensorflow, downloaded at install time; most machines here do not have it.
const installed = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'].find((name) => {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
});
if (!installed) console.warn('tfjs-node train-step tests skipped: neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed');

describe.runIf(installed)('native TensorFlow', () => {
  beforeAll(async () => {
    await initBackend({ backend: installed === '@tensorflow/tfjs-node-gpu' ? 'tfjs-node-gpu' : 'tfjs-node' });
  });
  trainStepSuite(installed ?? 'tfjs-node');
});
