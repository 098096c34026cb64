import type { z } from 'zod';
import type { Experiment } from '@mgdl/experiment';
import { cicBatch } from './cic-batch.js';
import { cicDropout } from './cic-dropout.js';
import { cicEpochs } from './cic-epochs.js';
import { cicL2 } from './cic-l2.js';
import { cicNoise } from './cic-noise.js';
import { cicScales } from './cic-scales.js';
import { cicWidth } from './cic-width.js';
import { forgettingToneva } from './forgetting-toneva.js';
import { bubblingBed } from './mgdl-bubbling-bed/index.js';

export { cicBatch, cicDropout, cicEpochs, cicL2, cicNoise, cicScales, cicWidth, forgettingToneva, bubblingBed };

/** Every seed experiment, by the name `mgdl run NAME` and its runs folder use. */
export const experiments: readonly Experiment<z.ZodObject>[] = [cicWidth, cicNoise, cicEpochs, cicBatch, cicScales, cicDropout, cicL2, forgettingToneva, bubblingBed] as unknown as Experiment<z.ZodObject>[];

/** The experiment called `name`, or undefined. */
export const findExperiment = (name: string): Experiment<z.ZodObject> | undefined => experiments.find((experiment) => experiment.name === name);
