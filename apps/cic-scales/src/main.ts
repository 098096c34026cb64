import { runExperiment } from '@mgdl/experiment';
import { cicScales } from '@mgdl/experiments';

await runExperiment(cicScales);
