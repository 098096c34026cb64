import { beforeAll } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { trainStepSuite } from './train-step.js';

beforeAll(async () => {
  await initBackend({ backend: "wasm", threads: 1 });
});

trainStepSuite('wasm');
