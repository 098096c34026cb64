export interface TfjsRow {
  net: string;
  backend: string;
  threads: number;
  samplesPerSec: number;
}

export interface BenchRow extends TfjsRow {
  torchSamplesPerSec: number | null;
  ratio: number | null;
}

/** Pairs each tfjs measurement with torch's at the same net and thread count. */
export function joinRows(tfjs: TfjsRow[], torch: { net: string; threads: number; samplesPerSec: number }[]): BenchRow[] {
  return tfjs.map((row) => {
    const ref = torch.find((t) => t.net === row.net && t.threads === row.threads);
    return {
      net: row.net,
      backend: row.backend,
      threads: row.threads,
      samplesPerSec: round(row.samplesPerSec),
      torchSamplesPerSec: ref ? round(ref.samplesPerSec) : null,
      ratio: ref ? Math.round((row.samplesPerSec / ref.samplesPerSec) * 100) / 100 : null,
    };
  });
}

const round = (v: number): number => Math.round(v * 10) / 10;

export function formatTable(rows: BenchRow[]): string {
  const header = ['net', 'backend', 'threads', 'samples/s', 'torch samples/s', 'ratio'];
  const body = rows.map((r) => [
    r.net,
    r.backend,
    String(r.threads),
    r.samplesPerSec.toFixed(0),
    r.torchSamplesPerSec === null ? '—' : r.torchSamplesPerSec.toFixed(0),
    r.ratio === null ? '—' : r.ratio.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}
