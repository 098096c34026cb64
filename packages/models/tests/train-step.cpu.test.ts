import { beforeAll } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { trainStepSuite } from './train-step.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

trainStepSuite('cpu');
