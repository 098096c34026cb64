import { runExperiment } from '@mgdl/experiment';
import { cicEpochs } from '@mgdl/experiments';

await runExperiment(cicEpochs);
