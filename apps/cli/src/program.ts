import { Command } from 'commander';
import { analyzeCommand } from './commands/analyze.js';
import { backendCommand } from './commands/backend.js';
import { dataCommand } from './commands/data.js';
import { demoCommand } from './commands/demo.js';
import { modelsCommand } from './commands/models.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { verdictsCommand } from './commands/verdicts.js';

export function program(): Command {
  const root = new Command('mgdl').description('mesoscience-guided deep learning on TensorFlow.js');
  for (const command of [analyzeCommand(), backendCommand(), dataCommand(), demoCommand(), modelsCommand(), reportCommand(), runCommand(), verdictsCommand()]) root.addCommand(command);
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
