import { escapeHtml } from './escape.js';
import { comparisonFigures, runFigures } from './figures.js';
import { loadRun, usable, type LoadedRun } from './load.js';
import { figureHtml, pageHtml, tableHtml, type Figure, type Section } from './page.js';

/** A figure of the report with the title of the section it sits in. */
export type ReportFigure = Figure & { section: string };

export interface ReportResult {
  html: string;
  /** Every figure on the page, in page order, e.g. to save as SVG files next to it (`writeFigures`). */
  figures: ReportFigure[];
  runs: LoadedRun[];
  /** False when no run had anything readable: the caller should fail. */
  usable: boolean;
}

const pick = (value: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);

const METRICS = [
  ['epochs', 'epoch'],
  ['train loss', 'train.loss'],
  ['train acc', 'train.accuracy'],
  ['val loss', 'validation.loss'],
  ['test loss', 'test.loss'],
  ['test acc', 'test.accuracy'],
  ['S1', 'forgetting.S1'],
  ['S2', 'forgetting.S2'],
  ['S3', 'forgetting.S3'],
  ['M', 'forgetting.M'],
  ['F', 'forgetting.F'],
  ['M/F settled', 'forgetting.settledRatio'],
  ['regime', 'forgetting.regime'],
] as const;

export interface ReportOptions {
  title?: string;
  /** Sections placed first, e.g. an experiment's claim and verdict (build their HTML with tableHtml/escapeHtml). */
  intro?: readonly Section[];
}

/** One self-contained HTML page over one or more run directories (a sweep's cells compared). */
export async function buildReport(dirs: readonly string[], { title = 'mgdl report', intro = [] }: ReportOptions = {}): Promise<ReportResult> {
  const runs = dirs.map(loadRun);
  const sections: Section[] = [...intro];
  const figures: ReportFigure[] = intro.flatMap((section) => (section.figures ?? []).map((f) => ({ ...f, section: section.title })));
  const sweepKeys = [...new Set(runs.flatMap((r) => Object.keys((r.params?.['sweep'] as object | undefined) ?? {})))];
  const rows = runs.map((run) => [run.name, ...sweepKeys.map((k) => pick(run.params, `sweep.${k}`) as number), ...METRICS.map(([, path]) => pick(run.metrics, path) as number)]);
  const present = METRICS.filter((_, c) => rows.some((row) => row[1 + sweepKeys.length + c] !== undefined && row[1 + sweepKeys.length + c] !== null));
  sections.push({
    title: runs.length > 1 ? `Runs (${runs.length})` : 'Summary',
    html: tableHtml(
      ['run', ...sweepKeys, ...present.map(([label]) => label)],
      rows.map((row) => [row[0], ...row.slice(1, 1 + sweepKeys.length), ...present.map((m) => row[1 + sweepKeys.length + METRICS.indexOf(m)])]),
    ),
  });
  // Seeds are replicates, not a parameter: the comparison is drawn against the first real one.
  const numericSweep = sweepKeys.find((k) => k !== 'seed' && new Set(runs.map((r) => Number(pick(r.params, `sweep.${k}`))).filter(Number.isFinite)).size > 1);
  if (numericSweep) {
    const comparison = await comparisonFigures(runs, numericSweep);
    const title = `Across the sweep: ${numericSweep}`;
    if (comparison.length) sections.push({ title, html: figureHtml(comparison) });
    figures.push(...comparison.map((f) => ({ ...f, section: title })));
  }
  for (const run of runs) {
    const own = await runFigures(run);
    figures.push(...own.map((f) => ({ ...f, section: `Run ${run.name}` })));
    const datasetNote = run.params?.['datasetNote'];
    const notes = [...(typeof datasetNote === 'string' ? [datasetNote] : []), ...run.missing.map((m) => `missing: ${m}`), ...run.problems];
    const params = run.params ? `<details><summary>params.json</summary><pre>${escapeHtml(JSON.stringify(run.params, null, 2))}</pre></details>` : '';
    sections.push({
      title: `Run ${run.name}`,
      html: `<p class="meta">${escapeHtml(run.dir)}</p>${notes.length ? `<div class="warn">${notes.map((n) => escapeHtml(n)).join('<br>')}</div>` : ''}${figureHtml(own)}${params}`,
    });
  }
  const subtitle = `${runs.length} run${runs.length === 1 ? '' : 's'} · generated ${new Date().toISOString()}`;
  return { html: pageHtml(title, subtitle, sections), figures, runs, usable: runs.some(usable) };
}
