import { runExperiment } from '@mgdl/experiment';
import { cicNoise } from './experiment.js';

await runExperiment(cicNoise);
