import { runExperiment } from '@mgdl/experiment';
import { cicDropout } from '@mgdl/experiments';

await runExperiment(cicDropout);
