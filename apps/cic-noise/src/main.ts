import { runExperiment } from '@mgdl/experiment';
import { cicNoise } from '@mgdl/experiments';

await runExperiment(cicNoise);
