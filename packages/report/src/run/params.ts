import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The commit the code ran from, or null outside a git checkout. Asked of git once per directory per
 * process: the code running was loaded at start-up, and an ensemble's members start runs one after
 * another (two git processes each took a tenth of a second per member).
 */
export function gitSha(cwd = process.cwd()): string | null {
  if (!shaByDirectory.has(cwd)) shaByDirectory.set(cwd, askGit(cwd));
  return shaByDirectory.get(cwd)!;
}

const shaByDirectory = new Map<string, string | null>();

function askGit(cwd: string): string | null {
  try {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${sha}-dirty` : sha;
  } catch {
    return null;
  }
}

/** Installed versions of the packages a run depends on (null where one is not installed). */
export function packageVersions(names: readonly string[]): Record<string, string | null> {
  const require = createRequire(import.meta.url);
  return Object.fromEntries(
    names.map((name) => {
      try {
        const path = require.resolve(`${name}/package.json`);
        return [name, (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version];
      } catch {
        return [name, null];
      }
    }),
  );
}
