import { runExperiment } from '@mgdl/experiment';
import { cicBatch } from './experiment.js';

await runExperiment(cicBatch);
