import { runExperiment } from '@mgdl/experiment';
import { cicBatch } from '@mgdl/experiments';

await runExperiment(cicBatch);
