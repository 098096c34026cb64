import { escapeHtml } from './escape.js';
import type { LoadedRun } from './load.js';
import { tableHtml } from './page.js';
import { RANKING_TABLE } from '../samples/imported-tables.js';

/** How many never-learned ids the line under the table names before "…". */
const NEVER_LEARNED_IDS_SHOWN = 10;

/**
 * The most forgotten learned samples of samples/ranking.csv, most forgetting events first. The CSV
 * ranks never-learned (S1) samples first, as forgotten infinitely often (Toneva et al.), but their
 * count of forgetting events is 0: they get their own line here, never a "forgotten 0 times" row.
 */
export function rankingHtml(run: LoadedRun, rows = 20): string {
  const table = run.ranking;
  if (!table) return '';
  const neverLearned = table.filter((row) => row.set === 'S1').map((row) => row.id);
  // A stable sort keeps the CSV's order among equal counts.
  const learned = table.filter((row) => row.set !== 'S1').sort((a, b) => b.forgettingEvents - a.forgettingEvents);
  const columns = RANKING_TABLE.columns.filter((c) => c.field !== 'rank');
  const shown = learned.slice(0, rows);
  // Cells as the CSV holds them (ids and counts unformatted), as the table always showed them.
  const body = shown.map((row, i) => [i + 1, ...columns.map((c) => String(row[c.field]))]);
  const heading = `<h3>Most forgotten samples (first ${shown.length} of ${learned.length} learned samples, most forgetting events first; samples/ranking.csv)</h3>`;
  const listed = neverLearned.slice(0, NEVER_LEARNED_IDS_SHOWN).join(', ') + (neverLearned.length > NEVER_LEARNED_IDS_SHOWN ? ', …' : '');
  const never = neverLearned.length ? `<p class="meta">${neverLearned.length.toLocaleString('en-US')} sample${neverLearned.length === 1 ? ' was' : 's were'} never learned (S1, not ranked above): id${neverLearned.length === 1 ? '' : 's'} ${escapeHtml(listed)}.</p>` : '';
  return `${heading}${shown.length ? tableHtml(['rank', ...columns.map((c) => c.column)], body) : ''}${never}`;
}
