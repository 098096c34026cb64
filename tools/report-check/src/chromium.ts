import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const findChromium = (): string | undefined => process.env['MGDL_CHROMIUM'] ?? CANDIDATES.find((path) => existsSync(path));

/** Finds Chromium, installing Debian's package with apt when it is missing and we are root. */
export function ensureChromium(log: (line: string) => void): { path: string } | { reason: string } {
  const found = findChromium();
  if (found) return { path: found };
  if (process.getuid?.() !== 0) return { reason: 'Chromium is not installed and apt needs root: run `sudo apt-get install -y chromium` (or set MGDL_CHROMIUM)' };
  if (!existsSync('/usr/bin/apt-get')) return { reason: 'Chromium is not installed and there is no apt-get; set MGDL_CHROMIUM to a Chromium binary' };
  log('installing chromium with apt (one time, a few minutes)…');
  const install = () => spawnSync('apt-get', ['install', '-y', '-q', 'chromium'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  let apt = install();
  // A fresh machine has no package lists yet.
  if (apt.status !== 0 && spawnSync('apt-get', ['update', '-q'], { stdio: ['ignore', 'ignore', 'inherit'] }).status === 0) apt = install();
  const installed = findChromium();
  return installed ? { path: installed } : { reason: `apt-get install chromium failed (exit ${apt.status})` };
}
