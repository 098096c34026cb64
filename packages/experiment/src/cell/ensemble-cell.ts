import { createHash } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '@mgdl/backend';
import { runFiles } from '@mgdl/io';
import { mesoGroups } from '@mgdl/forgetting';
import { isDenseNet, progressReporter, trainEnsemble } from '@mgdl/kernel';
import { buildModel, type ZooOptions } from '@mgdl/models';
import { loadCellSplits, optimizerOf, prepareCell, type CellSpec, type PreparedCell } from './cell.js';
import { cellFingerprint } from '../runner/identity.js';
import { cellStopSignal } from '../runner/stop.js';
import type { TrainingConfig } from './training-config.js';

/** One cell of a group the runner trains together: its config (grid values set) and its directory. */
export interface GroupedCell<C = TrainingConfig & { grid: Record<string, unknown> }> {
  config: C;
  dir: string;
}

/** Where a group keeps its one checkpoint: in its first cell's checkpoints folder, named by the whole group. */
const ENSEMBLE_CHECKPOINTS = 'ensemble-';

/**
 * A group's one ensemble checkpoint: its directory (`ensemble-<fingerprint>` in the first cell's
 * checkpoints folder) and the fingerprint of the whole group (its cells' fingerprints), which a
 * resume must match. Another group's checkpoint there (other members pending then) cannot be
 * resumed by this one and is removed.
 */
export function groupCheckpoint(cells: readonly { config: unknown; dir: string }[]): { dir: string; fingerprint: string } {
  const fingerprint = createHash('sha256').update(cells.map(({ config }) => cellFingerprint(config)).join('\n')).digest('hex').slice(0, 16);
  const checkpoints = runFiles(cells[0]!.dir).checkpoints;
  for (const entry of safeList(checkpoints)) if (entry.startsWith(ENSEMBLE_CHECKPOINTS) && entry !== `${ENSEMBLE_CHECKPOINTS}${fingerprint}`) rmSync(join(checkpoints, entry), { recursive: true, force: true });
  return { dir: join(checkpoints, `${ENSEMBLE_CHECKPOINTS}${fingerprint}`), fingerprint };
}

/**
 * The cells of a grid that differ only in their seeds, trained as one ensemble (`trainEnsemble`):
 * each member has its own training subset, label noise, batch order, initial weights and dropout
 * (its cell's seeds), and each cell's directory gets exactly what `classificationCell` writes there
 * — the members do not depend on each other. Any zoo net: a dense one (fcnn, mlp) has its weights
 * stacked where BatchMatMul runs native (oneDNN), else each member's products run on their own; a
 * conv net (cnn4, mcnn, textcnn, toneva-mnist) runs as each member's own model inside one step.
 * `spec` is the cells' spec, or a function giving each cell's (e.g. its own excluded samples); the
 * model and its options are the first cell's for all.
 */
export async function classificationEnsemble(cells: readonly GroupedCell[], spec: CellSpec | ((cell: GroupedCell) => CellSpec)): Promise<void> {
  const backend = await initBackend();
  // The members differ in seeds only: one load of the splits serves them all.
  const splits = await loadCellSplits(cells[0]!.config);
  const prepared: PreparedCell[] = [];
  for (const cell of cells) prepared.push(await prepareCell(cell.config, cell.dir, typeof spec === 'function' ? spec(cell) : spec, backend, splits));
  const modelOptions = prepared[0]!.modelOptions;
  const model = typeof spec === 'function' ? spec(cells[0]!).model : spec.model;
  const first = cells[0]!.config;
  await trainEnsemble({
    model: () => buildModel(model, modelOptions),
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
    checkpoint: { ...groupCheckpoint(cells), ...(first.checkpointEverySteps ? { everySteps: first.checkpointEverySteps } : {}) },
    resume: true,
    signal: cellStopSignal,
    products: backend.native.kernels.includes('BatchMatMul') && isDense(model, modelOptions) ? 'stacked' : 'per-member',
  });
  for (const cell of prepared) await cell.run.finish({ groups: mesoGroups(cell.batcher), report: false });
}

/** Whether the zoo's `name` builds a dense net (which stacks), checked on one throw-away build. */
function isDense(name: string, options: ZooOptions): boolean {
  const probe = buildModel(name, options);
  try {
    return isDenseNet(probe);
  } finally {
    probe.dispose();
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
