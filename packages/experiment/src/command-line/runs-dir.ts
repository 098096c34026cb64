import { existsSync, statfsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './usage-error.js';

/** File systems the kernel makes up on the fly (proc, sysfs, cgroup, debugfs, …): nothing can be kept there, and a recursive mkdir in them may never return. */
const VIRTUAL_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x1cd1, 'devpts'],
  [0x73636673, 'securityfs'],
]);

/** Refuses a runs folder that is not a folder on a real file system, before anything is created there. */
export function checkRunsDir(runsDir: string): void {
  let existing = resolve(runsDir);
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  if (!statSync(existing).isDirectory()) throw new UsageError(`--runs-dir ${runsDir}: ${existing} is not a folder; choose a folder for the runs`);
  const kind = VIRTUAL_FILE_SYSTEMS.get(statfsSync(existing).type);
  if (kind !== undefined) throw new UsageError(`--runs-dir ${runsDir}: ${existing} is on the ${kind} file system, which holds no files; choose a folder on a disk`);
}
