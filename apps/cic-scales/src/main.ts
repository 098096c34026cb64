import { runExperiment } from '@mgdl/experiment';
import { cicScales } from '@mgdl/seed-experiments';

await runExperiment(cicScales);
