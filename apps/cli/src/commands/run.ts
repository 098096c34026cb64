import { Command } from 'commander';
import { runExperiment, suggestion } from '@mgdl/experiment';
import { experiments, findExperiment } from '@mgdl/seed-experiments';
import { formatTable } from '../table.js';

/**
 * `mgdl run NAME [options]`: a seed experiment from an install, exactly as its nx target runs it.
 * Everything after NAME is the experiment's own command line (--preset, --set, --runs-dir, …), and
 * its cells start again as `mgdl run NAME --cell …`.
 */
export function runCommand(): Command {
  return new Command('run')
    .argument('[experiment]', `one of: ${experiments.map((e) => e.name).join(', ')}`)
    .argument('[options...]', "the experiment's options: --preset smoke|default|paper, --set key=value, --runs-dir DIR, --data-dir DIR, … (mgdl run NAME --help)")
    .description('run a seed experiment: sweep its cells (resumable), judge its claim, write report.html; without a name, list the experiments')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (name: string | undefined, options: string[]) => {
      if (name === undefined || name === '--help' || name === '-h' || name === '--list') {
        console.log(listing());
        return;
      }
      const experiment = findExperiment(name);
      if (!experiment) {
        const close = suggestion(name, experiments.map((e) => e.name));
        process.stderr.write(`mgdl run: no experiment '${name}'${close ? `; did you mean '${close}'?` : ''}\n${listing()}\n`);
        process.exitCode = 2;
        return;
      }
      await runExperiment(experiment, options, { usage: `mgdl run ${name}`, entry: [process.argv[1]!, 'run', name] });
    });
}

function listing(): string {
  const rows = experiments.map((e) => [e.name, e.title]);
  return `usage: mgdl run NAME [--preset smoke|default|paper] [--set key=value …] [--runs-dir DIR] [--data-dir DIR]; mgdl run NAME --help for its fields\n\n${formatTable(['experiment', 'what it tests'], rows)}`;
}
