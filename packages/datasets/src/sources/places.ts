import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where dataset files are looked for; see `resolvePlaces`. */
export interface SourceOptions {
  /** A folder with the dataset files (the dataset's own sub-folder, e.g. `mnist/`, or the files directly); replaces `MGDL_DATA_DIR`. */
  dataDir?: string;
  /** Overrides the cache folder (default `MGDL_CACHE` › `$XDG_CACHE_HOME/mgdl` › `~/.cache/mgdl`). */
  cacheDir?: string;
  /** Never download (also env `MGDL_OFFLINE=1`). */
  offline?: boolean;
  /** Check sizes and checksums of the files read (default true; env `MGDL_VERIFY=0` turns it off, e.g. for synthetic data). */
  verify?: boolean;
  onProgress?: (event: ProgressEvent) => void;
  /** Environment to read `MGDL_*` variables from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

export type ProgressEvent =
  | { type: 'download-start'; url: string; file: string; bytes?: number }
  | { type: 'download-progress'; url: string; file: string; received: number; bytes?: number }
  | { type: 'download-failed'; url: string; file: string; reason: string }
  | { type: 'download-done'; url: string; file: string; bytes: number }
  | { type: 'waiting-for-lock'; file: string; owner: string };

export interface Places {
  /** Data dirs in search order, each with where it came from. */
  dataDirs: { dir: string; origin: string }[];
  cacheDir: string;
  cacheOrigin: string;
  offline: boolean;
  verify: boolean;
}

export function resolvePlaces(options: SourceOptions = {}): Places {
  const env = options.env ?? process.env;
  const dataDirs: Places['dataDirs'] = [];
  // An explicit folder wins: searching MGDL_DATA_DIR too would find files the named folder lacks.
  const envDataDir = env['MGDL_DATA_DIR'];
  if (options.dataDir) dataDirs.push({ dir: resolve(options.dataDir), origin: '--data-dir' });
  else if (envDataDir) dataDirs.push({ dir: resolve(envDataDir), origin: 'MGDL_DATA_DIR' });
  const [cacheDir, cacheOrigin] = options.cacheDir
    ? [options.cacheDir, '--cache-dir']
    : env['MGDL_CACHE']
      ? [env['MGDL_CACHE'], 'MGDL_CACHE']
      : env['XDG_CACHE_HOME']
        ? [join(env['XDG_CACHE_HOME'], 'mgdl'), '$XDG_CACHE_HOME/mgdl']
        : [join(homedir(), '.cache', 'mgdl'), '~/.cache/mgdl'];
  const flag = (name: string, values: string[]) => values.includes((env[name] ?? '').toLowerCase());
  const offline = options.offline ?? flag('MGDL_OFFLINE', ['1', 'true', 'yes']);
  const verify = options.verify ?? !flag('MGDL_VERIFY', ['0', 'false', 'no']);
  return { dataDirs, cacheDir: resolve(cacheDir), cacheOrigin, offline, verify };
}
