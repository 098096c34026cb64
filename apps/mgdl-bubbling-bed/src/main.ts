import { runExperiment } from '@mgdl/experiment';
import { bubblingBed } from '@mgdl/seed-experiments';

await runExperiment(bubblingBed);
