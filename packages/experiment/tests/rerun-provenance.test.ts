import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeSyntheticDataset } from '@mgdl/datasets';
import { runDir, runWithFault, runToEnd, TRAINING_APP, type AppRun } from './kill-runs.js';
import { runResults } from './run-results.js';

/*
 * A code edit and a data swap between a kill and its rerun. The code is edited in a copy: the app
 * runs against a folder of links to the workspace's packages (Node told to keep the links' paths,
 * so the cell identity digests this folder), one package copied, and that copy is edited — the
 * workspace's own sources never change under the tests running beside this one.
 */

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), `mgdl-provenance-${prefix}-`));

/** node_modules of links to the workspace's, @mgdl/<edited> a copy; the training app beside it. Returns the app and the copied package's folder. */
function packagesWithCopyOf(edited: string): { app: string; copy: string } {
  const root = tmp('packages');
  const modules = join(root, 'node_modules');
  mkdirSync(join(modules, '@mgdl'), { recursive: true });
  for (const entry of readdirSync(join(repo, 'node_modules'))) if (entry !== '@mgdl') symlinkSync(join(repo, 'node_modules', entry), join(modules, entry));
  let copy = '';
  for (const folder of readdirSync(join(repo, 'packages'))) {
    const manifest = join(repo, 'packages', folder, 'package.json');
    if (!existsSync(manifest)) continue;
    const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name: string }).name;
    const target = join(modules, name);
    if (name !== `@mgdl/${edited}`) {
      symlinkSync(join(repo, 'packages', folder), target);
      continue;
    }
    mkdirSync(target);
    cpSync(manifest, join(target, 'package.json'));
    cpSync(join(repo, 'packages', folder, 'src'), join(target, 'src'), { recursive: true });
    if (existsSync(join(repo, 'packages', folder, 'node_modules'))) symlinkSync(join(repo, 'packages', folder, 'node_modules'), join(target, 'node_modules'));
    copy = target;
  }
  // The app resolves its own dependencies as it does in @mgdl/experiment's tests folder.
  const appDir = join(root, 'app');
  mkdirSync(appDir);
  symlinkSync(join(repo, 'packages', 'experiment', 'node_modules'), join(appDir, 'node_modules'));
  writeFileSync(join(appDir, 'package.json'), '{ "type": "module" }\n');
  const app = join(appDir, basename(TRAINING_APP));
  cpSync(TRAINING_APP, app);
  return { app, copy };
}

describe('a code edit or a data swap between a kill and its rerun', () => {
  it('is refused, naming what differs; reverted, the rerun resumes and ends with the uninterrupted numbers', async () => {
    const { app, copy } = packagesWithCopyOf('kernel');
    const [dataA, dataB] = [tmp('data-a'), tmp('data-b')];
    writeSyntheticDataset(dataA, 'mnist', { train: 120, test: 10 }, 1);
    writeSyntheticDataset(dataB, 'mnist', { train: 120, test: 10 }, 2);
    const env = { MGDL_DATA_DIR: dataA, MGDL_VERIFY: '0', MGDL_CACHE: tmp('cache') };
    const options = ['--workers', '1', '--set', 'seeds=[0,1]', '--set', 'epochs=1', '--set', 'dataset=mnist'];
    const run = (runs: string, more: Partial<AppRun> = {}): AppRun => ({ runs, app, nodeArgs: ['--preserve-symlinks'], options, env, ...more });

    const reference = tmp('reference');
    const clean = runToEnd(run(reference));
    expect(clean.status, clean.stderr + clean.stdout).toBe(0);

    const runs = tmp('runs');
    const cut = { role: 'cell', path: 'checkpoints', nth: 6, fault: 'SIGKILL' } as const;
    expect((await runWithFault(run(runs), cut)).landed).toBeDefined();

    const source = join(copy, 'src', 'index.ts');
    const original = readFileSync(source, 'utf8');
    writeFileSync(source, `${original}// an edit between a kill and its rerun\n`);
    const edited = runToEnd(run(runs));
    expect(edited.status, edited.stderr + edited.stdout).toBe(2);
    expect(edited.stderr).toMatch(/2 cell\(s\) were made by a different config, code or data:\n {2}seed=0: code\.@mgdl\/kernel: "[0-9a-f]{16}" → "[0-9a-f]{16}"/);
    expect(edited.stdout).not.toMatch(/start /);
    const status = runToEnd(run(runs, { options: [...options, '--status'] }));
    expect(status.status).toBe(3);
    expect(status.stdout).toMatch(/seed=0\s.*made by another config, code or data \(a rerun refuses it\): code\.@mgdl\/kernel/);

    writeFileSync(source, original);
    const resumed = await runWithFault(run(runs), cut);
    expect(resumed.landed, resumed.output).toBeDefined();

    const swapped = runToEnd(run(runs, { env: { ...env, MGDL_DATA_DIR: dataB } }));
    expect(swapped.status, swapped.stderr + swapped.stdout).toBe(2);
    expect(swapped.stderr).toMatch(/seed=0: data\.mnist\.\S+: "\d+ bytes, sha256 [0-9a-f]{64}" → "\d+ bytes, sha256 [0-9a-f]{64}"/);
    expect(swapped.stderr).toContain('data.mnist.train-images-idx3-ubyte.gz: "');

    const final = runToEnd(run(runs));
    expect(final.status, final.stderr + final.stdout).toBe(0);
    expect(runResults(runDir(runs))).toEqual(runResults(runDir(reference)));
  });
});
