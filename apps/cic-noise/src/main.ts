import { runExperiment } from '@mgdl/experiment';
import { cicNoise } from '@mgdl/seed-experiments';

await runExperiment(cicNoise);
