import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { z } from 'zod';
import { acquireLock, experimentFiles, LockHeldError, removeLeftoverPartials, runFiles, writeFileAtomic } from '@mgdl/io';
import { RunInterruptedError } from '@mgdl/kernel';
import { buildReport, escapeHtml, readRunMetrics, renderSvg, tableHtml, writeFigures, type Section } from '@mgdl/report';
import { CellIdentityError, collectResults, GridError, runSweep, slurmStatus, staleCells, WATCHDOG_NODE_ARGS, type CellCommand, type SweepCell } from '@mgdl/sweep';
import { helpText, parseExperimentArgs, resolveConfig, type ParsedArgs } from '../command-line/args.js';
import { runStageOnSlurm } from './slurm-stage.js';
import { seedGroupKey } from './seed-groups.js';
import type { Experiment, ExperimentResult, Verdict } from './define.js';
import { describeError } from '../command-line/describe-error.js';
import { cellIdentity } from './identity.js';
import { checkRunsDir } from '../command-line/runs-dir.js';
import { planStages, stageSlurmDir, type PlannedStage } from './stages.js';
import { printStatus } from '../command-line/status.js';
import { PROCEDURE, type Judgement } from '../verdict/index.js';
import { writeVerdictFile } from '../verdict/file.js';
import { judgementTable } from '../verdict/table.js';
import { PREEMPTED_EXIT, stopOnSignals } from './stop.js';
import { UsageError } from '../command-line/usage-error.js';

/** How a user started this experiment, so its cells and its messages can say the same. */
export interface Invocation {
  /** What usage lines show, e.g. `mgdl run cic-width` (default: the nx target). */
  usage?: string;
  /** The script and arguments before the options that start this experiment again, for the cells (default: [process.argv[1]]). */
  entry?: readonly string[];
}

/**
 * The whole app: `main.ts` of an experiment is `await runExperiment(experiment)`; `mgdl run NAME`
 * calls it with the rest of its command line. Without --cell it resolves the config, runs the
 * sweep (one single-thread child process per cell, resumable), concludes, and writes the report;
 * with --cell it is one of those children.
 */
export async function runExperiment<S extends z.ZodObject>(experiment: Experiment<S>, argv = process.argv.slice(2), invocation: Invocation = {}): Promise<never> {
  const usage = invocation.usage ?? `npx nx run @mgdl/${experiment.name}:run[:smoke|:paper] --`;
  try {
    const args = parseExperimentArgs(argv);
    if (args.help) {
      console.log(helpText(experiment as unknown as Experiment<z.ZodObject>, usage));
      process.exit(0);
    }
    if (args.cell || args.cells) {
      // A cell must not outlive its runner: under the local pool, stdin is a pipe that closes when
      // the runner dies (and the runner preloads a watchdog that works even while training keeps
      // this thread busy); under Slurm the batch script is the parent.
      if (process.env['MGDL_SWEEP_CELL']) process.stdin.on('end', () => process.exit(143)).resume().unref();
      const stoppedBy = stopOnSignals();
      try {
        await trainCells(experiment, args);
      } catch (error) {
        if (!(error instanceof RunInterruptedError)) throw error;
        process.stderr.write(`${experiment.name}: ${error.message}\n`);
        process.exit(stoppedBy() === 'SIGUSR1' ? PREEMPTED_EXIT : 143);
      }
      process.exit(0);
    }
    const config = resolveConfig(experiment, args.preset, args.overrides);
    if (args.noVerify) process.env['MGDL_VERIFY'] = '0'; // the cells inherit it
    checkRunsDir(args.runsDir);
    const out = join(args.runsDir, experiment.name, args.name);
    if (args.status) process.exit(printStatus(experiment, config, out, args.executor.kind));
    process.exit(await sweepAndReport(experiment, config, out, { ...args, entry: invocation.entry ?? [process.argv[1]!] }));
  } catch (error) {
    process.stderr.write(`${experiment.name}: ${describeError(error)}\n`);
    if (error instanceof UsageError) process.stderr.write(`usage: ${usage} [--preset smoke|default|paper] [--set key=value …] [--name NAME] [--runs-dir DIR] [--workers N] [--fresh] [--data-dir DIR] [--no-verify]; --help for more\n`);
    if (process.env['MGDL_DEBUG']) console.error(error);
    process.exit(error instanceof UsageError || error instanceof GridError || error instanceof CellIdentityError || error instanceof LockHeldError ? 2 : 1);
  }
}

type CellConfig<S extends z.ZodObject> = Parameters<Experiment<S>['cell']>[0];

/** This process as one cell (--cell) or as a group of cells trained together (--cells) of a sweep. */
async function trainCells<S extends z.ZodObject>(experiment: Experiment<S>, args: ParsedArgs): Promise<void> {
  if (args.cells) {
    if (!experiment.ensembleCell) throw new UsageError(`${experiment.name} does not train cells together (--cells); run each with --cell`);
    const members = args.cells.members as { config: CellConfig<S>; dir: string }[];
    const stage = typeof members[0]?.config.stage === 'string' ? members[0].config.stage : undefined;
    await experiment.ensembleCell(members, { runDir: resolve(args.cells.runDir), ...(stage === undefined ? {} : { stage }) });
    return;
  }
  const config = args.cell!.config as CellConfig<S>;
  const stage = typeof config.stage === 'string' ? config.stage : undefined;
  // By hand, without --run-dir: the cell directory is <run>/cells/<cell> or <run>/cells/<stage>/<cell>.
  const runDir = resolve(args.cell!.runDir ?? join(args.cell!.dir, stage === undefined ? '../..' : '../../..'));
  await experiment.cell(config, args.cell!.dir, { runDir, ...(stage === undefined ? {} : { stage }) });
}

const stageResults = (stage: PlannedStage): ExperimentResult[] =>
  collectResults(stage.dir, stage.cells, readRunMetrics).map((result) => (stage.name === undefined ? result : { ...result, stage: stage.name }));

/** A cell is complete only when its metrics.json is readable and says the run ended (not failed, not cut short). */
function verifyCell(cellDir: string): void {
  const path = runFiles(cellDir).metrics;
  if (!existsSync(path)) return; // an experiment whose cell writes no metrics.json
  const metrics = readRunMetrics(path);
  if (!metrics.run) throw new Error(`${path} has no 'run' summary: the training run did not end`);
  if (metrics.run.error) throw new Error(`${path} records a failed run: ${metrics.run.error}`);
}

type RunChoices = Pick<ParsedArgs, 'workers' | 'fresh' | 'executor' | 'dryRun' | 'wait' | 'name' | 'breakLock' | 'ensemble'> & { entry: readonly string[] };

async function sweepAndReport<S extends z.ZodObject>(experiment: Experiment<S>, config: z.output<S>, out: string, choices: RunChoices): Promise<number> {
  const dir = resolve(out);
  mkdirSync(dir, { recursive: true });
  const release = acquireLock(experimentFiles(dir).lock, {
    breakLock: choices.breakLock,
    onTakeover: (owner, why) => process.stderr.write(`[${experiment.name}] taking over the run's lock (pid ${owner.pid || '?'} on ${owner.host || '?'}, ${owner.started ?? 'start unknown'}): ${why}\n`),
  });
  // From the lock on, a SIGTERM or SIGINT releases it and ends the run, except while the local
  // sweep traps them itself to stop its cells in order (it then returns 143 or 130 here).
  const onSignal = (signal: NodeJS.Signals) => {
    if (localSweep.active) return;
    process.stderr.write(`[${experiment.name}] ${signal}: stopping; run the same command again to continue\n`);
    release();
    process.exit(signal === 'SIGTERM' ? 143 : 130);
  };
  process.on('SIGTERM', onSignal).on('SIGINT', onSignal);
  try {
    return await sweepLocked(experiment, config, dir, choices);
  } finally {
    process.off('SIGTERM', onSignal).off('SIGINT', onSignal);
    release();
  }
}

/** Whether runSweep's own signal trap is installed (it stops the cells, then returns). */
const localSweep = { active: false };

async function whileSweepTraps<T>(sweep: () => Promise<T>): Promise<T> {
  localSweep.active = true;
  try {
    return await sweep();
  } finally {
    localSweep.active = false;
  }
}

/** The command a cell runs as, the same for every executor: this app in --cell mode, guarded by the parent watchdog. */
const cellCommand = (dir: string, entry: readonly string[]) => (cell: SweepCell, cellDir: string): CellCommand => ({
  file: process.execPath,
  // The watchdog first: it guards the cell before tsx and the cell's modules load.
  args: [...WATCHDOG_NODE_ARGS, ...process.execArgv, ...entry, '--cell', JSON.stringify(cell.config), '--cell-dir', cellDir, '--run-dir', dir],
  env: { MGDL_THREADS: '1' },
});

/** Cells trained together (see seedGroupKey), started as one --cells process. */
const seedGroups = (dir: string, entry: readonly string[], stageCells: readonly SweepCell[], workers: number) => ({
  key: seedGroupKey(stageCells, workers),
  command: (cells: readonly SweepCell[], cellDirs: readonly string[]): CellCommand => ({
    file: process.execPath,
    args: [...WATCHDOG_NODE_ARGS, ...process.execArgv, ...entry, '--cells', JSON.stringify(cells.map((cell, i) => ({ config: cell.config, dir: cellDirs[i] }))), '--run-dir', dir],
    env: { MGDL_THREADS: '1' },
  }),
});

async function sweepLocked<S extends z.ZodObject>(experiment: Experiment<S>, config: z.output<S>, dir: string, { workers, fresh, executor, dryRun, wait, name, entry, ensemble }: RunChoices): Promise<number> {
  const log = (line: string) => process.stdout.write(`[${experiment.name}] ${line}\n`);
  // Local cells die with their runner, so what their cut writes left is garbage now; Slurm cells may still be writing.
  if (executor.kind === 'local') {
    const leftovers = removeLeftoverPartials(dir);
    if (leftovers.length > 0) log(`removed ${leftovers.length} temporary file(s) that interrupted writes left (${leftovers.slice(0, 3).map((path) => relative(dir, path)).join(', ')}${leftovers.length > 3 ? ', …' : ''})`);
  }
  const stages = planStages(experiment, config, dir);
  // config.json describes the results beside it: a config the cells refuse must not replace it.
  if (!fresh) {
    const stale = stages.flatMap((stage) => staleCells(stage.cells, stage.dir, (cell) => cellIdentity(cell.config)));
    if (stale.length > 0) throw new CellIdentityError(stale);
  }
  writeFileAtomic(experimentFiles(dir).config, JSON.stringify(config, null, 2) + '\n');
  const staged = stages[0]!.name !== undefined;
  log(`${stages.reduce((n, stage) => n + stage.cells.length, 0)} cell(s) in ${dir}${staged ? ` in ${stages.length} stages: ${stages.map((s) => `${s.name} (${s.cells.length})`).join(', ')}` : ''}`);
  let failed = 0;
  for (const [index, stage] of stages.entries()) {
    const label = (name: string) => (stage.name === undefined ? name : `${stage.name}/${name}`);
    if (staged) log(`stage ${stage.name}: ${stage.cells.length} cell(s)`);
    if (executor.kind === 'slurm') {
      const jobName = [experiment.name, name, stage.name].filter(Boolean).join('-');
      const outcome = await runStageOnSlurm(
        {
          jobName,
          cells: stage.cells,
          dir: stage.dir,
          slurmDir: stageSlurmDir(dir, stage.name),
          command: cellCommand(dir, entry),
          identity: (cell) => cellIdentity(cell.config),
          fresh,
          verify: verifyCell,
          log,
          // Slurm runs the tasks side by side: no group is split to fill local workers.
          ...(ensemble && experiment.ensembleCell ? { together: seedGroups(dir, entry, stage.cells, 1) } : {}),
        },
        { options: executor.options, dryRun, wait },
      );
      if (outcome.kind === 'dry-run' || outcome.kind === 'queued') return 0;
      if (outcome.kind === 'failed') {
        failed += outcome.cells.length;
        for (const cell of slurmStatus(stage.dir, stageSlurmDir(dir, stage.name), outcome.cells)) log(`FAILED ${label(cell.name)} (${cell.task ?? 'not submitted'}): ${(cell.stderrTail ?? []).slice(-3).join(' | ')} — all of it in ${runFiles(join(stage.dir, cell.name)).stderr}`);
        break;
      }
      if (stage.complete) await stage.complete(stageResults(stage), stage.dir);
      continue;
    }
    const result = await whileSweepTraps(() =>
      runSweep({
        cells: stage.cells,
        dir: stage.dir,
        ...(workers ? { workers } : {}),
        identity: (cell) => cellIdentity(cell.config),
        fresh,
        verify: verifyCell,
        command: cellCommand(dir, entry),
        ...(ensemble && experiment.ensembleCell ? { together: seedGroups(dir, entry, stage.cells, workers ?? availableParallelism()) } : {}),
        onEvent: (event) => {
          if (event.type === 'start') log(`start ${label(event.name)}`);
          else if (event.type === 'skip') log(`skip ${label(event.name)} (complete)`);
          else if (event.type === 'recheck') log(`${label(event.name)}: not complete after all (${event.reason}): running it again`);
          else if (event.type === 'done') log(`done ${label(event.name)} in ${event.seconds.toFixed(0)} s`);
          else if (event.type === 'fail') log(`FAILED ${label(event.name)} (exit ${event.code ?? event.signal}): ${event.stderrTail.filter(Boolean).slice(-3).join(' | ')} — all of it in ${runFiles(join(stage.dir, event.name)).stderr}`);
          else if (event.type === 'progress') log(`${label(event.name)}: ${event.message}`);
        },
      }),
    );
    if (result.interrupted) {
      log('interrupted: run the same command again to continue');
      return result.signal === 'SIGTERM' ? 143 : 130;
    }
    failed += result.failed.length;
    if (result.failed.length > 0) {
      const later = stages.slice(index + 1).map((s) => s.name);
      if (later.length > 0) log(`stage ${stage.name}: ${result.failed.length} cell(s) failed, so stage(s) ${later.join(', ')} did not run`);
      break;
    }
    if (stage.complete) await stage.complete(stageResults(stage), stage.dir);
  }
  const results = stages.flatMap(stageResults);
  const verdict = experiment.conclude(results, config, { runDir: dir });
  const report = await buildReport(
    stages.flatMap((stage) => stage.cells.map((cell) => join(stage.dir, cell.name))),
    { title: `${experiment.name}: ${experiment.title}`, intro: [await verdictSection(experiment, verdict, config, dir)] },
  );
  const files = experimentFiles(dir);
  writeFileAtomic(files.report, report.html);
  const figures = writeFigures(files.figures, report.figures);
  const judged = verdict.judgements ? { procedure: PROCEDURE, judgements: verdict.judgements, ...(verdict.companions ? { companions: verdict.companions } : {}) } : {};
  // A verdict over fewer cells than planned says so: which failed, which never ran.
  const cells = { planned: results.length, done: results.filter((r) => r.status === 'done').length, failed: results.filter((r) => r.status === 'failed').map((r) => r.name), notRun: results.filter((r) => r.status === 'pending').map((r) => r.name) };
  const complete = cells.done === cells.planned;
  writeVerdictFile(dir, { experiment: experiment.name, held: verdict.held, text: verdict.text, complete, cells, ...judged, ...(verdict.table ? { table: verdict.table } : {}) });
  if (!complete) log(`the verdict covers ${cells.done} of ${cells.planned} cells (failed: ${cells.failed.join(', ') || 'none'}; not run: ${cells.notRun.join(', ') || 'none'}); verdict.json says so ("complete": false)`);
  log(`verdict: ${verdict.held === null ? 'undetermined' : verdict.held ? 'the claim held' : 'the claim did NOT hold'}: ${verdict.text}`);
  log(`report: ${files.report} (its ${figures.length} figures as SVG files in ${files.figures})`);
  return failed > 0 ? 1 : 0;
}

/** The judgements, each seed's statistic and every test, under the procedure that reached them. */
function judged(judgements: readonly Judgement[], companions: readonly Judgement[]): string {
  const { header, rows } = judgementTable([...judgements, ...companions]);
  return `<p><b>How each claim was judged</b> (${escapeHtml(PROCEDURE)}):</p>` + tableHtml(header, rows);
}

async function verdictSection(experiment: Experiment<z.ZodObject>, verdict: Verdict, config: unknown, dir: string): Promise<Section> {
  const label = verdict.held === null ? 'undetermined at this scale' : verdict.held ? 'held' : 'did not hold';
  return {
    title: 'Claim and verdict',
    figures: await Promise.all((verdict.figures ?? []).map(async ({ caption, spec }) => ({ caption, svg: await renderSvg(spec) }))),
    html:
      `<p><b>Seed claim:</b> ${escapeHtml(experiment.claim)}</p><p><b>Here:</b> ${escapeHtml(label)} — ${escapeHtml(verdict.text)}</p>` +
      (verdict.table ? tableHtml(verdict.table.header, verdict.table.rows) : '') +
      (verdict.judgements ? judged(verdict.judgements, verdict.companions ?? []) : '') +
      `<details><summary>config</summary><pre>${escapeHtml(JSON.stringify(config, null, 2))}</pre></details><p class="meta">${escapeHtml(dir)}</p>`,
  };
}
