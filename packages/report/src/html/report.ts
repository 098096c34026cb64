import { escapeHtml } from './escape.js';
import { comparisonFigures, noiseScoreFigure, runFigures } from './figures.js';
import type { RunMetrics } from '../run/metrics.js';
import { loadRun, usable, type LoadedRun } from './load.js';
import { figureHtml, pageHtml, tableHtml, type Figure, type Section } from './page.js';
import { rankingHtml } from './ranking.js';
import { galleryHtml, noiseDetectionHtml, perClassHtml, runNoiseDetection } from './samples.js';

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

type Cell = string | number | null | undefined;

const METRICS: readonly (readonly [string, (m: RunMetrics) => Cell])[] = [
  ['epochs', (m) => m.epoch],
  ['train loss', (m) => m.train?.loss],
  ['train acc', (m) => m.train?.accuracy],
  ['val loss', (m) => m.validation?.loss],
  ['test loss', (m) => m.test?.loss],
  ['test acc', (m) => m.test?.accuracy],
  ['S1', (m) => m.forgetting?.S1],
  ['S2', (m) => m.forgetting?.S2],
  ['S3', (m) => m.forgetting?.S3],
  ['M', (m) => m.forgetting?.M],
  ['F', (m) => m.forgetting?.F],
  ['M/F settled', (m) => m.forgetting?.settledRatio],
  ['regime', (m) => m.forgetting?.regime],
];

export interface ReportOptions {
  title?: string;
  /** Sections placed first, e.g. an experiment's claim and verdict (build their HTML with tableHtml/escapeHtml). */
  intro?: readonly Section[];
  /**
   * Above this many runs the page stays small: each run's data map draws fewer points without hover
   * titles, and the gallery is shown for the last run only (every number stays in the run's CSVs;
   * `mgdl report <run dir>` draws one run in full). Default 8.
   */
  compactAbove?: number;
  /**
   * What each run is called on the page, in the order of `dirs`, instead of its folder's name; the
   * folder's path is then not shown either. For runs written to a temporary folder that will be gone
   * when the page is read (`mgdl analyze --report` names its run after the files it imported).
   */
  runNames?: readonly string[];
}

/** One self-contained HTML page over one or more run directories (the cells of a grid compared). */
export async function buildReport(dirs: readonly string[], { title = 'mgdl report', intro = [], compactAbove = 8, runNames }: ReportOptions = {}): Promise<ReportResult> {
  const runs = dirs.map((dir, i) => {
    const run = loadRun(dir);
    const name = runNames?.[i];
    return name === undefined ? run : { ...run, name };
  });
  const compact = runs.length > compactAbove;
  const sections: Section[] = [...intro];
  const figures: ReportFigure[] = intro.flatMap((section) => (section.figures ?? []).map((f) => ({ ...f, section: section.title })));
  const gridKeys = [...new Set(runs.flatMap((r) => Object.keys(r.params?.grid ?? {})))];
  const rows = runs.map((run) => [run.name, ...gridKeys.map((k) => run.params?.grid?.[k] as Cell), ...METRICS.map(([, get]) => (run.metrics ? get(run.metrics) : undefined)), ...bestScore(run)]);
  const anyNoise = runs.some((run) => runNoiseDetection(run) !== undefined);
  const present = METRICS.filter((_, c) => rows.some((row) => row[1 + gridKeys.length + c] !== undefined && row[1 + gridKeys.length + c] !== null));
  sections.push({
    title: runs.length > 1 ? `Runs (${runs.length})` : 'Summary',
    html: tableHtml(
      ['run', ...gridKeys, ...present.map(([label]) => label), ...(anyNoise ? ['best noisy-label score', 'its ROC-AUC'] : [])],
      rows.map((row) => [row[0], ...row.slice(1, 1 + gridKeys.length), ...present.map((m) => row[1 + gridKeys.length + METRICS.indexOf(m)]), ...(anyNoise ? row.slice(1 + gridKeys.length + METRICS.length) : [])]) as (string | number)[][],
    ),
  });
  // Seeds are replicates, not a parameter: the comparison is drawn against the first real one.
  const numericKey = gridKeys.find((k) => k !== 'seed' && new Set(runs.map((r) => Number(r.params?.grid?.[k])).filter(Number.isFinite)).size > 1);
  if (numericKey) {
    const comparison = await comparisonFigures(runs, numericKey);
    const title = `Across the grid: ${numericKey}`;
    // Each score's AUC against the other swept parameters too (e.g. width beside noise).
    for (const other of gridKeys.filter((k) => k !== numericKey && k !== 'seed' && new Set(runs.map((r) => Number(r.params?.grid?.[k])).filter(Number.isFinite)).size > 1)) {
      const auc = await noiseScoreFigure(runs, other);
      if (auc) comparison.push(auc);
    }
    if (comparison.length) sections.push({ title, html: figureHtml(comparison) });
    figures.push(...comparison.map((f) => ({ ...f, section: title })));
  }
  for (const [index, run] of runs.entries()) {
    // A large sweep draws the first and the last run in full; the others keep their tables.
    const full = !compact || index === 0 || index === runs.length - 1;
    // Hover titles cost ~250 bytes a point: fewer points the more runs share the page.
    const own = full ? await runFigures(run, compact ? { dataMapPoints: 600, tooltips: false } : { dataMapPoints: runs.length === 1 ? 2000 : 400 }) : [];
    const withGallery = !compact || index === runs.length - 1;
    const samples = `${noiseDetectionHtml(runNoiseDetection(run))}${run.scores ? perClassHtml(run.scores, run.gallery?.classNames ?? run.params?.classNames) : ''}${withGallery && run.scores ? await galleryHtml(run.scores, run.gallery) : ''}`;
    figures.push(...own.map((f) => ({ ...f, section: `Run ${run.name}` })));
    const datasetNote = run.params?.datasetNote;
    const hidden = runNames?.[index] !== undefined;
    // A renamed run's folder is not shown anywhere, not even inside a problem that names a file in it.
    const notes = [...(datasetNote ? [datasetNote] : []), ...run.missing.map((m) => `missing: ${m}`), ...run.problems].map((n) => (hidden ? n.replaceAll(run.dir, run.name) : n));
    const params = run.params ? `<details><summary>params.json</summary><pre>${escapeHtml(JSON.stringify(run.params, null, 2))}</pre></details>` : '';
    sections.push({
      title: `Run ${run.name}`,
      html: `${hidden ? '' : `<p class="meta">${escapeHtml(run.dir)}</p>`}${notes.length ? `<div class="warn">${notes.map((n) => escapeHtml(n)).join('<br>')}</div>` : ''}${figureHtml(own)}${samples}${rankingHtml(run)}${params}`,
    });
  }
  if (compact) sections.splice(intro.length + 1, 0, { title: 'About this page', html: `<p class="meta">${runs.length} runs: the first and the last run are drawn in full (data maps of at most 600 samples, without hover titles), the others show their tables only, and only the last run shows its sample gallery. Every number is in the runs' CSV files; \`mgdl report &lt;run dir&gt;\` draws one run in full.</p>` });
  const subtitle = `${runs.length} run${runs.length === 1 ? '' : 's'} · generated ${new Date().toISOString()}`;
  return { html: pageHtml(title, subtitle, sections), figures, runs, usable: runs.some(usable) };
}

/** The score that ranks the noisy labels best in this run, and its AUC. */
function bestScore(run: LoadedRun): Cell[] {
  const best = runNoiseDetection(run)?.scores[0];
  return best ? [best.score, best.auc === null ? null : Number(best.auc.toFixed(3))] : [undefined, undefined];
}
