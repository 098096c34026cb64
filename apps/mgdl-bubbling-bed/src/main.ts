import { runExperiment } from '@mgdl/experiment';
import { bubblingBed } from './experiment.js';

await runExperiment(bubblingBed);
