import { runExperiment } from '@mgdl/experiment';
import { cicDropout } from '@mgdl/seed-experiments';

await runExperiment(cicDropout);
