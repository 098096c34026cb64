import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Command } from 'commander';
import { readVerdictFile, VERDICT_FILE, type StoredJudgement, type VerdictFile } from '@mgdl/experiment';

const digits = (v: number | null) => (v === null ? '—' : Math.abs(v) >= 0.01 || v === 0 ? (v > 0 ? '+' : '') + v.toFixed(2) : v.toExponential(1));
const pText = (p: number | null) => (p === null ? '—' : p < 0.001 ? p.toExponential(1) : p.toFixed(3));

/** A judgement's mean with its t-interval (five seeds on) or its range over the seeds (fewer). */
function spread(j: StoredJudgement): string {
  if (j.mean === undefined || j.mean === null) return j.tests.map((t) => `${t.name} ${digits(t.statistic)}`).join('; ') || '—';
  if (j.interval) return `${digits(j.mean)} [${digits(j.interval[0])}, ${digits(j.interval[1])}]`;
  const values = j.perSeed.flatMap((s) => (s.value === null ? [] : [s.value]));
  return values.length > 1 ? `${digits(j.mean)} (range ${digits(Math.min(...values))} to ${digits(Math.max(...values))})` : digits(j.mean);
}

const verdictWord = (held: boolean | null) => (held === null ? 'inconclusive' : held ? 'held' : 'not held');

/** The markdown rows of one run: one per judged claim, the run's verdict on its first row. */
export function verdictRows(label: string, verdict: VerdictFile, withCompanions: boolean): string[][] {
  const judgements = [...(verdict.judgements ?? []), ...(withCompanions ? (verdict.companions ?? []) : [])];
  const complete = verdict.complete ? '' : ` (over ${verdict.cells.done} of ${verdict.cells.planned} cells)`;
  if (judgements.length === 0) return [[label, verdict.text, '—', '—', '—', '—', `**${verdictWord(verdict.held)}**${complete}`]];
  return judgements.map((j, i) => [
    i === 0 ? label : '',
    `${j.exploratory ? '(exploratory) ' : ''}${j.claim}${j.at === undefined ? '' : ` (at ${j.at})`}`,
    spread(j),
    String(j.n),
    `${j.test}: ${pText(j.adjustedP)}`,
    j.outcome,
    i === 0 ? `**${verdictWord(verdict.held)}**${complete}` : '',
  ]);
}

/** `<runs>/<app>/<run>` → "`app` (run)", the run's name shown unless it is the default preset's. */
function runLabel(runDir: string, verdict: VerdictFile): string {
  const app = verdict.experiment ?? basename(dirname(runDir));
  const run = basename(runDir);
  return run === 'default' ? `\`${app}\`` : `\`${app}\` (${run})`;
}

export function verdictsCommand(): Command {
  return new Command('verdicts')
    .description("one markdown table of the verdicts of finished runs, from each run's verdict.json: every claim with its per-seed statistic, seeds, test and Holm-adjusted p, and outcome")
    .argument('<run-dirs...>', 'run directories (`<runs dir>/<app>/<run name>`), each holding a verdict.json')
    .option('--exploratory', 'also list the exploratory statistics judged beside the claims')
    .action((runDirs: string[], options: { exploratory?: boolean }) => {
      const rows: string[][] = [];
      for (const runDir of runDirs) {
        const path = existsSync(runDir) && statSync(runDir).isFile() ? runDir : join(runDir, VERDICT_FILE);
        try {
          const verdict = readVerdictFile(path);
          rows.push(...verdictRows(runLabel(dirname(path), verdict), verdict, Boolean(options.exploratory)));
        } catch (error) {
          process.stderr.write(`mgdl verdicts: ${(error as Error).message}\n`);
          process.exit(1);
        }
      }
      const header = ['app (run)', 'claim', 'per-seed statistic: mean [95% t-interval] or (range)', 'seeds', 'test: p (Holm)', 'outcome', 'verdict'];
      const line = (cells: string[]) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
      console.log([line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n'));
    });
}
