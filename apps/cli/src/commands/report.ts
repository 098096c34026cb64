import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { experimentFiles, runFiles, writeFileAtomic } from '@mgdl/io';
import { PROVENANCE_FIELDS } from '@mgdl/experiment';
import { buildReport, writeFigures } from '@mgdl/report';
import { certificationProblem, describeMixedProvenance, IDENTITY_FILE, mixedProvenance } from '@mgdl/sweep';

/** A cell directory given itself, or the cells of an experiment's run directory (cells/NAME, cells/STAGE/NAME). */
function cellDirsOf(dir: string): string[] {
  const cells = experimentFiles(dir).cells;
  if (!existsSync(cells)) return [dir];
  const subfolders = (parent: string) => readdirSync(parent, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => join(parent, entry.name));
  return subfolders(cells).flatMap((cell) => (existsSync(join(cell, IDENTITY_FILE)) ? [cell] : subfolders(cell)));
}

export function reportCommand(): Command {
  return new Command('report')
    .argument('<run-dir...>', 'run directories (one run, or the cells of a grid to compare)')
    .description('one self-contained HTML report (opens offline): plots, params/metrics table, comparison across runs')
    .option('--out <file>', 'where to write the HTML, creating missing folders (default: RUN_DIR/report.html for one run, ./report.html for several)')
    .option('--title <text>', 'page title', 'mgdl report')
    .option('--figures <dir>', 'also save every figure as an SVG file in this folder (replacing what it held)')
    .action(async (dirs: string[], options: { out?: string; title: string; figures?: string }) => {
      const out = resolve(options.out ?? (dirs.length === 1 ? runFiles(dirs[0]!).report : 'report.html'));
      const report = await buildReport(dirs.map((d) => resolve(d)), { title: options.title });
      for (const run of report.runs) {
        for (const missing of run.missing) process.stderr.write(`mgdl report: ${run.dir}: missing ${missing}\n`);
        for (const problem of run.problems) process.stderr.write(`mgdl report: ${run.dir}: ${problem}\n`);
        const uncertified = certificationProblem(run.dir);
        if (uncertified === undefined) continue;
        process.stderr.write(`mgdl report: ${run.dir}: ${uncertified} (done.json certifies other contents): the report shows numbers the run did not produce; rerun the experiment to redo that cell\n`);
        process.exitCode = 1;
      }
      // Numbers of cells made by different code or data do not belong in one comparison.
      const cells = dirs.flatMap((d) => cellDirsOf(resolve(d)));
      for (const mixed of mixedProvenance(cells, PROVENANCE_FIELDS)) process.stderr.write(`mgdl report: warning: ${describeMixedProvenance(mixed)}\n`);
      if (!report.usable) {
        process.stderr.write(`mgdl report: nothing readable in ${dirs.join(', ')}: expected params.json, metrics.json or events.jsonl written by a run\n`);
        process.exitCode = 1;
        return;
      }
      mkdirSync(dirname(out), { recursive: true });
      writeFileAtomic(out, report.html);
      console.log(out);
      if (options.figures) console.log(`${writeFigures(resolve(options.figures), report.figures).length} figures in ${resolve(options.figures)}`);
    });
}
