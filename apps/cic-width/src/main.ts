import { runExperiment } from '@mgdl/experiment';
import { cicWidth } from '@mgdl/seed-experiments';

await runExperiment(cicWidth);
