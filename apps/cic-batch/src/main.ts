import { runExperiment } from '@mgdl/experiment';
import { cicBatch } from '@mgdl/seed-experiments';

await runExperiment(cicBatch);
