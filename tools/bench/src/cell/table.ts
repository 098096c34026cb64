import type { CellProfile } from './profile.js';
import { markdownTable } from '../markdown.js';

/** What cell_bench.py prints, in seconds. */
export interface TorchCellRun {
  torch: string;
  testAccuracy: number;
  setup: number;
  steps: number;
  evaluation: number;
  checkpoint: number;
  wrapUp: number;
  total: number;
}

export interface CellResult {
  cell: string;
  /** wasm (mgdl's wasm kernels) or wasm+native (with oneDNN's). */
  backend: string;
  dataset: string;
  epochs: number;
  threads: number;
  trainSize: number;
  testSize: number;
  runs: number;
  mgdl: CellProfile;
  torch?: TorchCellRun;
  torchVersion?: string;
}

/** The run with the median total (the upper one of an even count), so its phases add up. */
export function median<T extends { total: number }>(runs: readonly T[]): T {
  if (runs.length === 0) throw new Error('median of no runs');
  return [...runs].sort((a, b) => a.total - b.total)[Math.floor(runs.length / 2)]!;
}

const s = (seconds: number): string => seconds.toFixed(1);

/**
 * The comparison (ratio = torch seconds / mgdl seconds, i.e. mgdl's speed relative to torch's; cell /
 * steps = the cell's wall time over its own training steps' time) and where each side's time went.
 */
export function formatCellTables(results: readonly CellResult[]): string {
  const comparison = markdownTable(
    ['cell', 'backend', 'data', 'epochs', 'threads', 'mgdl s', 'mgdl steps s', 'cell / steps', 'torch s', 'torch steps s', 'ratio (torch s / mgdl s)', 'test acc mgdl / torch'],
    results.map((r) => [
      r.cell,
      r.backend,
      `${r.dataset} ${r.trainSize}+${r.testSize}`,
      String(r.epochs),
      String(r.threads),
      s(r.mgdl.total),
      s(r.mgdl.steps),
      (r.mgdl.total / r.mgdl.steps).toFixed(2),
      r.torch ? `${s(r.torch.total)} (torch ${r.torchVersion})` : '—',
      r.torch ? s(r.torch.steps) : '—',
      r.torch ? (r.torch.total / r.mgdl.total).toFixed(2) : '—',
      `${r.mgdl.testAccuracy?.toFixed(3) ?? '—'} / ${r.torch?.testAccuracy.toFixed(3) ?? '—'}`,
    ]),
  );
  const mgdl = markdownTable(
    ['mgdl cell', 'backend', 'setup', 'steps', 'per-batch rest', 'evaluation', 'epoch end + checkpoint', 'wrap-up'],
    results.map(({ cell, backend, mgdl: p }) => [cell, backend, s(p.setup), s(p.steps), s(p.batchRest), s(p.evaluation), s(p.epochEnd), s(p.wrapUp)]),
  );
  // Torch ran once per cell, whatever mgdl's backends.
  const withTorch = results.filter((r, i) => r.torch && results.findIndex((o) => o.cell === r.cell) === i);
  const torch = markdownTable(
    ['torch cell', 'setup', 'steps (with recording)', 'evaluation', 'checkpoint', 'wrap-up'],
    withTorch.map(({ cell, torch: t }) => [cell, s(t!.setup), s(t!.steps), s(t!.evaluation), s(t!.checkpoint), s(t!.wrapUp)]),
  );
  const runs = results[0]?.runs ?? 1;
  return [`median of ${runs} run(s) per side; seconds of wall time`, comparison, '', mgdl, ...(withTorch.length ? ['', torch] : [])].join('\n');
}
