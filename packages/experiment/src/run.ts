import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { writeFileAtomic } from '@mgdl/io';
import { buildReport, escapeHtml, tableHtml, type Section } from '@mgdl/report';
import { collectResults, expandGrid, runSweep } from '@mgdl/sweep';
import { helpText, parseExperimentArgs, resolveConfig, UsageError } from './args.js';
import type { Experiment, Verdict } from './define.js';

/**
 * The whole app: `main.ts` of an experiment is `await runExperiment(experiment)`. Without --cell it
 * resolves the config, runs the sweep (one single-thread child process per cell, resumable),
 * concludes, and writes the report; with --cell it is one of those children.
 */
export async function runExperiment<S extends z.ZodObject>(experiment: Experiment<S>, argv = process.argv.slice(2)): Promise<never> {
  try {
    const args = parseExperimentArgs(argv);
    if (args.help) {
      console.log(helpText(experiment as unknown as Experiment<z.ZodObject>));
      process.exit(0);
    }
    if (args.cell) {
      // A cell must not outlive its runner: stdin is a pipe that closes when the runner dies.
      process.stdin.on('end', () => process.exit(143)).resume().unref();
      await experiment.cell(args.cell.config as Parameters<Experiment<S>['cell']>[0], args.cell.dir);
      process.exit(0);
    }
    const config = resolveConfig(experiment, args.preset, args.overrides);
    process.exit(await sweepAndReport(experiment, config, join(args.runsDir, experiment.name, args.name), args.workers));
  } catch (error) {
    process.stderr.write(`${experiment.name}: ${(error as Error).message}\n`);
    if (process.env['MGDL_DEBUG']) console.error(error);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}

async function sweepAndReport<S extends z.ZodObject>(experiment: Experiment<S>, config: z.output<S>, out: string, workers?: number): Promise<number> {
  const dir = resolve(out);
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  const cells = expandGrid(config as Record<string, unknown>, experiment.grid(config)).map((cell) => ({ ...cell, config: { ...cell.config, sweep: cell.values } }));
  const log = (line: string) => process.stdout.write(`[${experiment.name}] ${line}\n`);
  log(`${cells.length} cell(s) in ${dir}`);
  const result = await runSweep({
    cells,
    dir: join(dir, 'cells'),
    ...(workers ? { workers } : {}),
    command: (cell, cellDir) => ({
      file: process.execPath,
      args: [...process.execArgv, process.argv[1]!, '--cell', JSON.stringify(cell.config), '--cell-dir', cellDir],
      env: { MGDL_THREADS: '1' },
    }),
    onEvent: (event) => {
      if (event.type === 'start') log(`start ${event.name}`);
      else if (event.type === 'skip') log(`skip ${event.name} (complete)`);
      else if (event.type === 'done') log(`done ${event.name} in ${event.seconds.toFixed(0)} s`);
      else if (event.type === 'fail') log(`FAILED ${event.name} (exit ${event.code ?? event.signal}): ${event.stderrTail.filter(Boolean).slice(-3).join(' | ')} — all of it in ${join(dir, 'cells', event.name, 'stderr.log')}`);
      else if (event.type === 'progress') log(`${event.name}: ${event.message}`);
    },
  });
  if (result.interrupted) {
    log('interrupted: run the same command again to continue');
    return 130;
  }
  const results = collectResults(join(dir, 'cells'), cells);
  const verdict = experiment.conclude(results, config);
  const report = await buildReport(
    cells.map((cell) => join(dir, 'cells', cell.name)),
    { title: `${experiment.name}: ${experiment.title}`, intro: [verdictSection(experiment, verdict, config, dir)] },
  );
  writeFileAtomic(join(dir, 'report.html'), report.html);
  writeFileAtomic(join(dir, 'verdict.json'), JSON.stringify({ held: verdict.held, text: verdict.text, table: verdict.table }, null, 2) + '\n');
  log(`verdict: ${verdict.held === null ? 'undetermined' : verdict.held ? 'the claim held' : 'the claim did NOT hold'}: ${verdict.text}`);
  log(`report: ${join(dir, 'report.html')}`);
  return result.failed.length > 0 ? 1 : 0;
}

function verdictSection(experiment: Experiment<z.ZodObject>, verdict: Verdict, config: unknown, dir: string): Section {
  const label = verdict.held === null ? 'undetermined at this scale' : verdict.held ? 'held' : 'did not hold';
  return {
    title: 'Claim and verdict',
    html:
      `<p><b>Seed claim:</b> ${escapeHtml(experiment.claim)}</p><p><b>Here:</b> ${escapeHtml(label)} — ${escapeHtml(verdict.text)}</p>` +
      (verdict.table ? tableHtml(verdict.table.header, verdict.table.rows) : '') +
      `<details><summary>config</summary><pre>${escapeHtml(JSON.stringify(config, null, 2))}</pre></details><p class="meta">${escapeHtml(dir)}</p>`,
  };
}
