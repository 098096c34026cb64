import { runExperiment } from '@mgdl/experiment';
import { forgettingToneva } from '@mgdl/seed-experiments';

await runExperiment(forgettingToneva);
