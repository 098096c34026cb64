import { runExperiment } from '@mgdl/experiment';
import { cicEpochs } from './experiment.js';

await runExperiment(cicEpochs);
