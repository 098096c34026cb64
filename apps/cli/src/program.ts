import { Command, InvalidArgumentError, Option } from 'commander';
import { backendNames } from '@mgdl/backend';
import { analyzeCommand } from './commands/analyze.js';
import { backendCommand } from './commands/backend.js';
import { dataCommand } from './commands/data.js';
import { demoCommand } from './commands/demo.js';
import { modelsCommand } from './commands/models.js';
import { reportCommand } from './commands/report.js';

export const positiveInt = (flag: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} must be a positive integer, got '${value}'`);
  return n;
};

/** Options every command that trains or inspects a backend takes. */
export function backendOptions(command: Command): Command {
  return command
    .addOption(new Option('--backend <name>', 'force a backend (env MGDL_BACKEND)').choices([...backendNames]))
    .option('--threads <n>', 'wasm threads (env MGDL_THREADS; default: all cores)', positiveInt('--threads'));
}

export function program(): Command {
  const root = new Command('mgdl').description('mesoscience-guided deep learning on TensorFlow.js');
  for (const command of [analyzeCommand(), backendCommand(), dataCommand(), demoCommand(), modelsCommand(), reportCommand()]) root.addCommand(command);
  exitCodesForUsageErrors(root);
  return root;
}

/** Usage errors exit 2 (commander already printed why); failures while running exit 1. */
function exitCodesForUsageErrors(command: Command): void {
  command.showHelpAfterError().exitOverride((error) => {
    process.exit(error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0 ? 0 : 2);
  });
  for (const sub of command.commands) exitCodesForUsageErrors(sub);
}
