import { runExperiment } from '@mgdl/experiment';
import { cicL2 } from './experiment.js';

await runExperiment(cicL2);
