import { runExperiment } from '@mgdl/experiment';
import { cicWidth } from './experiment.js';

await runExperiment(cicWidth);
