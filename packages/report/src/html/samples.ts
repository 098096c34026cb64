import { GALLERY_GROUPS, gallerySelection, thumbnailDataUri, type GalleryFile } from '../samples/gallery.js';
import { noiseDetection, type NoiseDetection } from '../samples/noise-detection.js';
import type { SampleScoreRow } from '../samples/scores.js';
import { escapeHtml } from './escape.js';
import type { LoadedRun } from './load.js';
import { formatNumber, tableHtml } from './page.js';

const className = (names: readonly string[] | undefined, label: number | null) => (label === null ? '—' : (names?.[label] ?? String(label)));

/** Per class (the label trained on): how many samples fell in S1, S2 and S3 and their mean forgetting count. */
export function perClassHtml(rows: readonly SampleScoreRow[], classNames?: readonly string[]): string {
  if (rows.length === 0) return '';
  const classes = [...new Set(rows.map((r) => r.label))].sort((a, b) => a - b);
  const noiseKnown = rows.some((r) => r.noisy !== null);
  const body = classes.map((label) => {
    const own = rows.filter((r) => r.label === label);
    const count = (set: number) => own.filter((r) => r.set === set).length;
    const learned = own.filter((r) => r.set !== 1);
    const mean = learned.length ? learned.reduce((sum, r) => sum + r.forgetting, 0) / learned.length : null;
    return [className(classNames, label), own.length, count(1), count(2), count(3), mean === null ? '—' : Number(mean.toFixed(2)), ...(noiseKnown ? [own.filter((r) => r.noisy).length] : [])];
  });
  const header = ['class (trained label)', 'samples', 'S1 never learned', 'S2 unforgettable', 'S3 forgotten', 'mean forgetting count (S2+S3)', ...(noiseKnown ? ['noisy labels'] : [])];
  return `<h3>Per class</h3>${tableHtml(header, body)}`;
}

/** The gallery: each group's samples with id, labels, forgetting count and AUM; noisy labels marked. */
export async function galleryHtml(rows: readonly SampleScoreRow[], gallery: GalleryFile | undefined, count = 8): Promise<string> {
  if (!gallery || rows.length === 0) return '';
  const byId = new Map(rows.map((r) => [r.id, r]));
  const content = new Map(gallery.samples.map((s) => [s.id, s]));
  const selection = gallerySelection(rows, count);
  const groups: string[] = [];
  for (const group of GALLERY_GROUPS) {
    const ids = selection[group.key].filter((id) => content.has(id));
    if (ids.length === 0) continue;
    const cards: string[] = [];
    for (const id of ids) {
      const row = byId.get(id)!;
      const sample = content.get(id)!;
      const media =
        gallery.kind === 'image' && sample.pixels && gallery.shape
          ? `<img alt="sample ${id}" src="${await thumbnailDataUri(new Uint8Array(Buffer.from(sample.pixels, 'base64')), gallery.shape, 0)}">`
          : `<blockquote>${escapeHtml(sample.text ?? '')}</blockquote>`;
      const noisy = row.noisy === true;
      const labels = row.clean === null || row.clean === row.label ? `label ${escapeHtml(className(gallery.classNames, row.label))}` : `label ${escapeHtml(className(gallery.classNames, row.label))} <b>noisy</b>, clean ${escapeHtml(className(gallery.classNames, row.clean))}`;
      const title = `id ${id}; trained label ${className(gallery.classNames, row.label)}; clean label ${className(gallery.classNames, row.clean)}; forgetting ${row.forgetting}; AUM ${row.aum === null ? '—' : formatNumber(row.aum)}; confidence ${row.confidence === null ? '—' : formatNumber(row.confidence)}; variability ${row.variability === null ? '—' : formatNumber(row.variability)}`;
      cards.push(
        `<div class="sample${noisy ? ' noisy' : ''}${gallery.kind === 'text' ? ' text' : ''}" title="${escapeHtml(title)}">${media}<div>#${id} · ${labels}<br>forgot ${row.forgetting}× · AUM ${row.aum === null ? '—' : escapeHtml(formatNumber(row.aum))}</div></div>`,
      );
    }
    groups.push(`<h4>${escapeHtml(group.title)}</h4><p class="meta">${escapeHtml(group.note)}</p><div class="gallery">${cards.join('')}</div>`);
  }
  if (groups.length === 0) return '';
  const legend = rows.some((r) => r.noisy !== null) ? ' A red frame marks a sample whose training label is noisy (its clean label is given).' : ' This run has no clean labels: which samples are mislabelled is unknown.';
  return `<h3>Samples</h3><p class="meta">Label = the label trained on.${escapeHtml(legend)}</p>${groups.join('')}`;
}

/** The noise-detection table of one run: every score, best AUC first. */
export function noiseDetectionHtml(result: NoiseDetection | undefined): string {
  if (!result) return '';
  const fmt = (v: number | null) => (v === null ? '—' : Number(v.toFixed(3)));
  const body = result.scores.map((s, i) => [i + 1, s.score, s.label, fmt(s.auc), fmt(s.averagePrecision), fmt(s.precisionAtK), s.samples]);
  return `<h3>Which score finds the noisy labels</h3><p class="meta">${result.noisy} of ${result.samples} training labels are noisy (prevalence ${escapeHtml(formatNumber(result.prevalence))}: what a random ranking scores in average precision and precision@k; its AUC is 0.5). k = ${result.k}. Each score is ranked the way the literature uses it; an AUC well below 0.5 means this run's noisy labels sit at the other end (1 − AUC for the reversed ranking).</p>${tableHtml(['rank', 'score', 'ranked by', 'ROC-AUC', 'average precision', `precision@${result.k}`, 'samples'], body)}`;
}

/** The run's noise-detection result: metrics.json's when present, else computed from its scores. */
export const runNoiseDetection = (run: LoadedRun): NoiseDetection | undefined => run.metrics?.noiseDetection ?? (run.scores ? noiseDetection(run.scores) : undefined);
