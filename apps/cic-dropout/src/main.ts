import { runExperiment } from '@mgdl/experiment';
import { cicDropout } from './experiment.js';

await runExperiment(cicDropout);
