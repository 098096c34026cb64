import { initBackend } from '@mgdl/backend';
import { cellStopSignal, groupCheckpoint, type GroupedCell } from '@mgdl/experiment';
import { progressReporter, trainEnsemble } from '@mgdl/kernel';
import { evaluationBatches } from './data.js';
import { prepareRegressionCell, regressionModel, summarizeRegressionCell } from './cell.js';
import type { CellConfig } from './config.js';

/**
 * The seeds of one arm and fraction trained as one ensemble (`trainEnsemble`): each member has its
 * own pool rows, batch order and initial weights (its cell's seed), its own arm plugin — the loss
 * term on its own predictions and model, the learning-rate factor on its own rate — and its own run
 * directory, which gets exactly what `regressionCell` writes there. The members' own models are
 * trained ('per-member' products): the constraint plugins run them.
 */
export async function regressionEnsemble(cells: readonly GroupedCell<CellConfig>[]): Promise<void> {
  const backend = await initBackend();
  const prepared = cells.map(({ config, dir }) => prepareRegressionCell(config, dir, backend));
  const first = cells[0]!.config;
  const { members } = await trainEnsemble({
    model: regressionModel(first),
    members: prepared.map((cell, m) => ({
      seed: cell.config.seed,
      data: cell.batches,
      // Member 0's progress stands for all: they step together.
      plugins: m === 0 ? [...cell.plugins, progressReporter({ stream: process.stdout, intervalSeconds: 30 })] : cell.plugins,
    })),
    epochs: first.epochs,
    learningRate: first.learningRate,
    loss: 'mse',
    // The test set depends on the data seed only: the same for every seed of the group.
    evaluation: { test: evaluationBatches(prepared[0]!.data.test) },
    checkpoint: groupCheckpoint(cells),
    resume: true,
    signal: cellStopSignal,
    products: 'per-member',
  });
  prepared.forEach((cell, m) => summarizeRegressionCell(cell, members[m]!));
}
