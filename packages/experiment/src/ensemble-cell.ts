import { createHash } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '@mgdl/backend';
import { runFiles } from '@mgdl/io';
import { mesoGroups } from '@mgdl/forgetting';
import { progressReporter, trainEnsemble } from '@mgdl/kernel';
import { buildModel } from '@mgdl/models';
import { optimizerOf, prepareCell, type CellSpec, type PreparedCell } from './cell.js';
import { cellFingerprint } from './identity.js';
import { cellStopSignal } from './stop.js';
import type { TrainingConfig } from './training-config.js';

/** One cell of a group the runner trains together: its config (grid values set) and its directory. */
export interface GroupedCell<C = TrainingConfig & { grid: Record<string, unknown> }> {
  config: C;
  dir: string;
}

/** Where a group keeps its one checkpoint: in its first cell's checkpoints folder, named by the whole group. */
const ENSEMBLE_CHECKPOINTS = 'ensemble-';

/**
 * The cells of a grid that differ only in their seeds, trained as one ensemble (`trainEnsemble`):
 * each member has its own training subset, label noise, batch order, initial weights and dropout
 * (its cell's seeds), and each cell's directory gets exactly what `classificationCell` writes there
 * — the members do not depend on each other. The weights are stacked where BatchMatMul runs native
 * (oneDNN), else each member's products run on their own. Dense nets (the zoo's fcnn and mlp) only.
 */
export async function classificationEnsemble(cells: readonly GroupedCell[], spec: CellSpec): Promise<void> {
  const backend = await initBackend();
  const prepared: PreparedCell[] = [];
  for (const { config, dir } of cells) prepared.push(await prepareCell(config, dir, spec, backend));
  const first = cells[0]!.config;
  const fingerprint = createHash('sha256').update(cells.map(({ config }) => cellFingerprint(config)).join('\n')).digest('hex').slice(0, 16);
  const checkpoints = runFiles(cells[0]!.dir).checkpoints;
  // Another group's checkpoint (other members pending then) cannot be resumed by this one.
  for (const entry of safeList(checkpoints)) if (entry.startsWith(ENSEMBLE_CHECKPOINTS) && entry !== `${ENSEMBLE_CHECKPOINTS}${fingerprint}`) rmSync(join(checkpoints, entry), { recursive: true, force: true });
  await trainEnsemble({
    model: () => buildModel(spec.model, prepared[0]!.modelOptions),
    members: prepared.map((cell, m) => ({
      seed: cells[m]!.config.initSeed ?? cells[m]!.config.seed,
      data: cell.batcher,
      ...(first.series === 'inference-pass' ? { inferencePass: cell.trainInOrder } : {}),
      // Member 0's progress stands for all: they step together.
      plugins: m === 0 ? [...cell.plugins, progressReporter({ stream: process.stdout, intervalSeconds: 30 })] : cell.plugins,
    })),
    epochs: first.epochs,
    learningRate: first.learningRate,
    optimizer: optimizerOf(first),
    evaluation: { test: prepared[0]!.testData },
    ...(first.series === 'inference-pass' ? { inferencePass: {} } : {}),
    checkpoint: { dir: join(checkpoints, `${ENSEMBLE_CHECKPOINTS}${fingerprint}`), fingerprint, ...(first.checkpointEverySteps ? { everySteps: first.checkpointEverySteps } : {}) },
    resume: true,
    signal: cellStopSignal,
    products: backend.native.kernels.includes('BatchMatMul') ? 'stacked' : 'per-member',
  });
  for (const cell of prepared) await cell.run.finish({ groups: mesoGroups(cell.batcher), report: false });
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
