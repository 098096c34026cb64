import { runExperiment } from '@mgdl/experiment';
import { forgettingToneva } from '@mgdl/experiments';

await runExperiment(forgettingToneva);
