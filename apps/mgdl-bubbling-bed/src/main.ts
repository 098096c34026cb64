import { runExperiment } from '@mgdl/experiment';
import { bubblingBed } from '@mgdl/experiments';

await runExperiment(bubblingBed);
