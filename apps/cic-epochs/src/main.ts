import { runExperiment } from '@mgdl/experiment';
import { cicEpochs } from '@mgdl/seed-experiments';

await runExperiment(cicEpochs);
