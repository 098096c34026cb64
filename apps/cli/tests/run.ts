import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** Runs the mgdl CLI from source in a child process, as a user would. */
export const mgdl = (...args: string[]) => mgdlWith({}, ...args);

/** The same, with these variables added to (or, set to undefined, removed from) the child's environment. */
export const mgdlWith = (env: NodeJS.ProcessEnv, ...args: string[]) =>
  spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', main, ...args], { encoding: 'utf8', timeout: 600_000, env: { ...process.env, ...env } });
