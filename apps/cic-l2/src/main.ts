import { runExperiment } from '@mgdl/experiment';
import { cicL2 } from '@mgdl/experiments';

await runExperiment(cicL2);
