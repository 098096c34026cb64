import { runExperiment } from '@mgdl/experiment';
import { cicScales } from './experiment.js';

await runExperiment(cicScales);
