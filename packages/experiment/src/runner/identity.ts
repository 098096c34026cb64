import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { datasetIdentity, resolvePlaces } from '@mgdl/datasets';
import { packageVersions } from '@mgdl/report';
import { fingerprintOf } from '@mgdl/sweep';

/**
 * What a cell's result is made of: its fully resolved config, the code that ran it (a digest per
 * @mgdl package) and the data it read (per dataset file: published, or the own file's checksum).
 * A rerun whose code or data differ is refused like a changed config, naming what differs.
 */
export const cellIdentity = (config: unknown) => ({
  config,
  mgdl: packageVersions(['@mgdl/experiment'])['@mgdl/experiment'],
  code: codeIdentity(),
  ...dataOf(config),
});

/** The fields of a cellIdentity that say which code and data made a cell (the rest is its config). */
export const PROVENANCE_FIELDS: readonly string[] = ['mgdl', 'code', 'data'];

/** The fingerprint a cell's directory and checkpoints carry (the runner's and the cell's agree). */
export const cellFingerprint = (config: unknown): string => fingerprintOf(cellIdentity(config));

let code: Record<string, string> | undefined;

/**
 * Per @mgdl package installed beside this one, the SHA-256 (16 hex digits) of the files it runs:
 * `src/` when Node resolves the `source` condition (the workspace's tests and apps), else `dist/`.
 * The runner and its cells share their Node arguments, so they digest the same files.
 */
export function codeIdentity(): Record<string, string> {
  if (code) return code;
  const packages = dirname(dirname(createRequire(import.meta.url).resolve('@mgdl/experiment/package.json')));
  const folder = process.execArgv.some((arg) => /^--conditions?=source$/.test(arg)) || process.execArgv.includes('source') ? 'src' : 'dist';
  code = {};
  for (const entry of readdirSync(packages).sort()) {
    const manifest = join(packages, entry, 'package.json');
    if (!existsSync(manifest)) continue;
    const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name;
    const root = join(packages, entry, folder);
    if (!name?.startsWith('@mgdl/') || !existsSync(root)) continue;
    const hash = createHash('sha256');
    const files = readdirSync(root, { recursive: true, withFileTypes: true }).filter((file) => file.isFile()).map((file) => join(file.parentPath, file.name)).sort();
    for (const file of files) hash.update(`${relative(root, file)}\u0000`).update(readFileSync(file)).update('\u0000');
    code[name] = hash.digest('hex').slice(0, 16);
  }
  return code;
}

/** The dataset files a training config reads (both candidates of cifar-10-or-fashion-mnist), and whether they were verified. */
function dataOf(config: unknown): { data?: Record<string, unknown> } {
  const { dataset, dataDir } = (config ?? {}) as { dataset?: unknown; dataDir?: unknown };
  if (typeof dataset !== 'string') return {};
  const names = dataset === 'cifar-10-or-fashion-mnist' ? ['cifar-10', 'fashion-mnist'] : [dataset];
  const options = typeof dataDir === 'string' ? { dataDir } : {};
  return { data: { verify: resolvePlaces(options).verify, ...Object.fromEntries(names.map((name) => [name, datasetIdentity(name, options)])) } };
}
