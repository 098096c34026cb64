import { runExperiment } from '@mgdl/experiment';
import { cicWidth } from '@mgdl/experiments';

await runExperiment(cicWidth);
