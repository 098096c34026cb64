import { resolveConfig, type CellSpec, type TrainingConfig } from '@mgdl/experiment';
import { cicNoise, cicWidth } from '@mgdl/seed-experiments';

/** One experiment cell as its app runs it: the resolved default config, its grid values and its CellSpec. */
export interface BenchCell {
  name: string;
  config: TrainingConfig & { grid: Record<string, unknown> };
  spec: CellSpec;
  /** The PyTorch twin of spec.model, as cell_bench.py names it. */
  torchModel: string;
}

export const cellNames = ['cic-width', 'cic-noise'] as const;
export type CellName = (typeof cellNames)[number];

/**
 * The cic-width default cell at w = 4 and the cic-noise default cell at w = 3 (noise 0.4), with
 * `epochs` fewer when given. The specs repeat what those experiments' `cell` passes to classificationCell.
 */
export function benchCell(name: CellName, { dataDir, epochs }: { dataDir: string; epochs?: number }): BenchCell {
  const fewer = epochs === undefined ? {} : { epochs };
  if (name === 'cic-width') {
    const config = resolveConfig(cicWidth, 'default', { dataDir, width: 4, ...fewer });
    return { name, config: { ...config, grid: { width: 4, seed: config.seed } }, spec: { model: 'fcnn', modelOptions: { width: 4 } }, torchModel: 'fcnn4' };
  }
  const config = resolveConfig(cicNoise, 'default', { dataDir, width: 3, noise: 0.4, ...fewer });
  return { name, config: { ...config, grid: { noise: 0.4, width: 3, seed: config.seed } }, spec: { model: 'mcnn', modelOptions: { width: 3 }, needs32: true }, torchModel: 'mcnn3' };
}
