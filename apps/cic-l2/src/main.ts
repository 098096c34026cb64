import { runExperiment } from '@mgdl/experiment';
import { cicL2 } from '@mgdl/seed-experiments';

await runExperiment(cicL2);
