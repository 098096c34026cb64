import { markdownTable } from './markdown.js';

export interface TfjsRow {
  net: string;
  backend: string;
  threads: number;
  samplesPerSec: number;
}

/**
 * One row per (net, backend, threads) with the median samples/s of its repeated measurements (the
 * upper one of an even count), in the order each key first appears.
 */
export function medianRows<T extends { net: string; threads: number; samplesPerSec: number; backend?: string }>(rows: readonly T[]): T[] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = `${row.net}|${row.backend ?? ''}|${row.threads}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].map((group) => {
    const sorted = [...group].sort((a, b) => a.samplesPerSec - b.samplesPerSec);
    return sorted[Math.floor(sorted.length / 2)]!;
  });
}

/** One PyTorch installation's measurements, with its version. */
export interface ReferenceRows {
  version: string;
  rows: { net: string; threads: number; samplesPerSec: number }[];
}

export interface Comparison {
  torch: string;
  samplesPerSec: number | null;
  ratio: number | null;
}

export interface BenchRow extends TfjsRow {
  /** Against the first (strongest) reference; null without one. */
  torchSamplesPerSec: number | null;
  ratio: number | null;
  /** Against every reference, in the order given. */
  references: Comparison[];
}

/** Pairs each tfjs measurement with each reference's at the same net and thread count. */
export function joinRows(tfjs: TfjsRow[], references: ReferenceRows[]): BenchRow[] {
  return tfjs.map((row) => {
    const comparisons = references.map((reference): Comparison => {
      const ref = reference.rows.find((t) => t.net === row.net && t.threads === row.threads);
      return {
        torch: reference.version,
        samplesPerSec: ref ? round(ref.samplesPerSec) : null,
        ratio: ref ? Math.round((row.samplesPerSec / ref.samplesPerSec) * 100) / 100 : null,
      };
    });
    return {
      net: row.net,
      backend: row.backend,
      threads: row.threads,
      samplesPerSec: round(row.samplesPerSec),
      torchSamplesPerSec: comparisons[0]?.samplesPerSec ?? null,
      ratio: comparisons[0]?.ratio ?? null,
      references: comparisons,
    };
  });
}

const round = (v: number): number => Math.round(v * 10) / 10;

/** A markdown table with a samples/s and a ratio column per reference (rows' `references` in this order), named by version. */
export function formatTable(rows: BenchRow[], versions: readonly string[]): string {
  const header = ['net', 'backend', 'threads', 'samples/s', ...versions.flatMap((v) => [`torch ${v} samples/s`, `ratio vs ${v}`])];
  const body = rows.map((r) => [
    r.net,
    r.backend,
    String(r.threads),
    r.samplesPerSec.toFixed(0),
    ...versions.flatMap((_, i) => {
      const c = r.references[i];
      return [c?.samplesPerSec == null ? '—' : c.samplesPerSec.toFixed(0), c?.ratio == null ? '—' : c.ratio.toFixed(2)];
    }),
  ]);
  return markdownTable(header, body);
}
