import { runExperiment } from '@mgdl/experiment';
import { forgettingToneva } from './experiment.js';

await runExperiment(forgettingToneva);
