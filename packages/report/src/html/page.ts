import { escapeHtml } from './escape.js';

export interface Figure {
  caption: string;
  /** An SVG document rendered by the plot module (vega escapes the text it draws). */
  svg: string;
}

export interface Section {
  title: string;
  /** Safe HTML built by this module's helpers. */
  html: string;
  /** Figures drawn after the HTML (and listed in the report's `figures`). */
  figures?: readonly Figure[];
}

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1200px; color: #1d2733; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; } h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #d8dee6; padding-bottom: 0.3rem; }
.meta { color: #5b6775; font-size: 0.9rem; }
table { border-collapse: collapse; font-size: 0.88rem; margin: 0.6rem 0; } th, td { border: 1px solid #d8dee6; padding: 0.25rem 0.55rem; text-align: left; vertical-align: top; }
th { background: #f2f5f8; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.figures { display: flex; flex-wrap: wrap; gap: 1.2rem; } figure { margin: 0; border: 1px solid #e3e8ee; border-radius: 6px; padding: 0.6rem; background: #fff; }
figcaption { font-size: 0.85rem; color: #3d4957; margin-top: 0.3rem; max-width: 600px; }
.warn { background: #fff7e6; border: 1px solid #f0c36d; padding: 0.5rem 0.8rem; border-radius: 6px; }
.gallery { display: flex; flex-wrap: wrap; gap: 0.5rem; } .sample { border: 2px solid #d8dee6; border-radius: 4px; padding: 0.3rem; font-size: 0.75rem; width: 9.5rem; }
.sample img { display: block; width: 64px; height: 64px; image-rendering: pixelated; } .sample.noisy { border-color: #D55E00; } .sample.text { width: 17rem; }
.sample blockquote { margin: 0 0 0.3rem; font-size: 0.8rem; } h4 { margin: 1rem 0 0.2rem; }
details pre { font-size: 0.78rem; background: #f6f8fa; padding: 0.6rem; overflow-x: auto; }
`;

export const figureHtml = (figures: readonly Figure[]): string =>
  figures.length === 0
    ? ''
    : `<div class="figures">${figures.map((f) => `<figure>${f.svg}<figcaption>${escapeHtml(f.caption)}</figcaption></figure>`).join('')}</div>`;

export function tableHtml(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (value: unknown) => (typeof value === 'number' ? `<td class="num">${escapeHtml(formatNumber(value))}</td>` : `<td>${escapeHtml(value ?? '—')}</td>`);
  return `<table><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table>`;
}

/**
 * At most 4 significant digits, and never more digits than the value has: a value rounded to 3
 * decimals upstream (an AUC of 0.998) prints as computed, not padded to 0.9980.
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Math.abs(value) >= 1000 ? value.toFixed(0) : String(Number(value.toPrecision(4)));
}

/** One self-contained page: inline CSS and SVG, no script, no external request. */
export function pageHtml(title: string, subtitle: string, sections: readonly Section[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1><p class="meta">${escapeHtml(subtitle)}</p>
${sections.map((s) => `<section><h2>${escapeHtml(s.title)}</h2>${s.html}${figureHtml(s.figures ?? [])}</section>`).join('\n')}
</body></html>
`;
}
