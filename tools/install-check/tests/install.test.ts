import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import { ensureChromium } from '@mgdl/report-check/src/chromium.ts';
import { build } from 'esbuild';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import puppeteer from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ok, run } from '../src/run.js';
import { startRegistry, type Registry } from '../src/verdaccio.js';
import { entryPoints, publishablePackages, readManifest, readmeExamples, rootDevVersion, workspaceRoot } from '../src/workspace.js';

/*
 * What a person gets from `npm install @mgdl/…`: every publishable package is packed (`npm pack`),
 * published to a real npm registry (Verdaccio, started here on a free port and stopped by pid),
 * and installed from it into scratch projects outside the workspace, which then use them.
 * Needs the packages built (`nx run-many -t build`; `nx run @mgdl/install-check:test` builds first).
 */

const TFJS_OLDEST = '4.20.0';
const consumerFiles = new URL('../consumer/', import.meta.url);
const packages = publishablePackages();
const measured: string[] = [];

let scratch: string;
let registry: Registry | undefined;
let env: NodeJS.ProcessEnv;
const tarballs = new Map<string, { file: string; size: number; unpackedSize: number; files: string[] }>();

const npm = (cwd: string, ...args: string[]) => ok('npm', args, { cwd, env });
const node = (cwd: string, ...args: string[]) => ok(process.execPath, args, { cwd, env });
const npx = (cwd: string, ...args: string[]) => ok(join(cwd, 'node_modules', '.bin', args[0]!), args.slice(1), { cwd, env });
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

/** A scratch project outside the workspace, its registry for @mgdl/* being the local one. */
function project(name: string, manifest: Record<string, unknown> = {}): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '0.0.0', private: true, type: 'module', ...manifest }, null, 2));
  for (const file of readdirSync(consumerFiles)) copyFileSync(new URL(file, consumerFiles), join(dir, file));
  return dir;
}

beforeAll(async () => {
  const unbuilt = packages.filter((p) => !existsSync(join(workspaceRoot, p.dir, 'dist')));
  if (unbuilt.length > 0) throw new Error(`build the packages first (npx nx run-many -t build): no dist/ in ${unbuilt.map((p) => p.dir).join(', ')}`);
  scratch = mkdtempSync(join(tmpdir(), 'mgdl-install-check-'));
  // The registry and cache a person's npm would use, read before the scratch npmrc replaces theirs.
  const own = cleanEnv();
  const upstream = (await ok('npm', ['config', 'get', 'registry'], { cwd: scratch, env: own })).stdout.trim();
  const cache = (await ok('npm', ['config', 'get', 'cache'], { cwd: scratch, env: own })).stdout.trim();
  registry = await startRegistry(join(scratch, 'registry'));
  const host = registry.url.replace(/^http:/, '');
  const npmrc = join(scratch, 'npmrc');
  writeFileSync(npmrc, [`registry=${upstream}`, `@mgdl:registry=${registry.url}`, `${host}:_authToken=${registry.token}`, `cache=${cache}`, 'audit=false', 'fund=false', 'update-notifier=false', ''].join('\n'));
  env = cleanEnv({ npm_config_userconfig: npmrc, MGDL_OFFLINE: '1' });

  const packed = join(scratch, 'tarballs');
  mkdirSync(packed);
  const started = performance.now();
  const pack = await npm(workspaceRoot, 'pack', '--json', '--pack-destination', packed, ...packages.flatMap((p) => ['--workspace', p.dir]));
  for (const t of JSON.parse(pack.stdout) as { name: string; filename: string; size: number; unpackedSize: number; files: { path: string }[] }[]) {
    tarballs.set(t.name, { file: join(packed, t.filename), size: t.size, unpackedSize: t.unpackedSize, files: t.files.map((f) => f.path) });
  }
  measured.push(`npm pack of ${tarballs.size} packages: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // Published as a release publishes: the changesets route, to the registry named on the command line.
  const published = await ok(process.execPath, ['--import', 'tsx', join(workspaceRoot, 'tools/install-check/src/release.ts'), '--registry', registry.url, '--no-build'], { cwd: workspaceRoot, env });
  measured.push(`npm run release -- --registry (changeset publish of ${tarballs.size} packages to Verdaccio): ${published.seconds.toFixed(1)} s`);
});

afterAll(async () => {
  await registry?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  console.log(['install-check measured:', ...measured].join('\n  '));
});

describe('the packed packages', () => {
  it('are every non-private workspace package, each with its LICENSE, README and built entry points', () => {
    expect([...tarballs.keys()].sort()).toEqual(packages.map((p) => p.name).sort());
    for (const p of packages) {
      const { files, size, unpackedSize } = tarballs.get(p.name)!;
      measured.push(`  ${p.name}@${p.version}: ${kb(size)} packed, ${kb(unpackedSize)} unpacked, ${files.length} files`);
      expect(files, p.name).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
      expect(files.filter((f) => /\.test\.ts$|^tests\//.test(f)), p.name).toEqual([]);
      const manifest = readManifest(join(workspaceRoot, p.dir));
      for (const target of [...Object.values(manifest.bin ?? {}), ...exportTargets(manifest.exports)]) {
        expect(files, `${p.name} exports ${target}`).toContain(target.replace(/^\.\//, ''));
      }
    }
  });

  it('satisfy publint and are the types they say they are (attw: node10, node16 CJS and ESM, bundler)', async () => {
    const problems: string[] = [];
    for (const p of packages) {
      const { file } = tarballs.get(p.name)!;
      const bytes = readFileSync(file);
      const lint = await publint({ pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer }, level: 'suggestion' });
      for (const message of lint.messages) problems.push(`${p.name} publint ${message.type}: ${formatMessage(message, lint.pkg) ?? message.code}`);
      const types = await checkPackage(createPackageFromTarballData(new Uint8Array(bytes)));
      if (types.types) for (const problem of types.problems) problems.push(`${p.name} attw ${problem.kind}: ${JSON.stringify(problem)}`);
    }
    expect(problems).toEqual([]);
  });
});

describe('a project that installs every package from the registry', () => {
  let dir: string;
  const names = () => packages.map((p) => `${p.name}@${p.version}`);

  beforeAll(async () => {
    dir = project('consumer');
    const tools = ['tsx', 'typescript', '@types/node'].map((name) => `${name}@${rootDevVersion(name)}`);
    const ran = await npm(dir, 'install', '--prefer-online', ...names(), ...tools);
    measured.push(`npm install of all ${packages.length} packages (+ tsx, typescript, @types/node; tfjs as auto-installed peers): ${ran.seconds.toFixed(1)} s`);
  });

  it('has one copy of tfjs: the peers resolve to what the project has', async () => {
    for (const name of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers']) {
      const copies = (await run('npm', ['ls', name, '--all', '--parseable'], { cwd: dir, env })).stdout.trim().split('\n');
      expect(new Set(copies), name).toEqual(new Set([join(dir, 'node_modules', name)]));
    }
  });

  it('loads every entry point with import and with require, both giving the same objects', async () => {
    const viaImport = JSON.parse((await node(dir, 'entries.mjs')).stdout) as { specifier: string; exports: number; differ: string[] }[];
    const viaRequire = JSON.parse((await node(dir, 'entries.cjs')).stdout) as { specifier: string; exports: number }[];
    const expected = packages.flatMap((p) => entryPoints(readManifest(join(workspaceRoot, p.dir))).map((key) => p.name + key.slice(1)));
    expect(viaImport.map((e) => e.specifier).sort()).toEqual(expected.sort());
    for (const entry of viaImport) {
      expect(entry.exports, entry.specifier).toBeGreaterThan(0);
      expect(entry.differ, entry.specifier).toEqual([]);
    }
    expect(viaRequire).toEqual(viaImport.map(({ specifier, exports }) => ({ specifier, exports })));
  });

  it('ends a script by itself on the default backend (its thread pool does not keep Node alive)', async () => {
    writeFileSync(join(dir, 'exit.mjs'), "import { initBackend } from '@mgdl/backend';\nawait initBackend();\nconsole.log('init done');\n");
    // The timeout is a hang guard: a script that never exits is the failure.
    const ran = await run(process.execPath, ['exit.mjs'], { cwd: dir, env: { ...env, MGDL_THREADS: '2' }, timeoutMs: 120_000 });
    expect({ code: ran.code, stdout: ran.stdout }).toEqual({ code: 0, stdout: 'init done\n' });
  });

  it('runs the mgdl command: --help, and analyze on a CSV history', async () => {
    // As a user types it: `npx mgdl …`, and `npx @mgdl/cli …` (the package's one bin).
    const help = await ok('npx', ['--no', '--', 'mgdl', '--help'], { cwd: dir, env });
    expect(help.stdout).toMatch(/Usage: mgdl/);
    expect(help.stdout).toMatch(/analyze/);
    writeFileSync(join(dir, 'history.csv'), 'id,0,1,2,3\n10,0,1,0,1\n11,1,1,1,1\n12,0,0,0,0\n13,1,0,1,1\n');
    const analysis = JSON.parse((await ok('npx', ['--no', '--', '@mgdl/cli', 'analyze', 'history.csv', '--json'], { cwd: dir, env })).stdout) as Record<string, number>;
    expect(analysis).toMatchObject({ samples: 4, steps: 4, S1: 1, S2: 1, S3: 2, events: 2 });
    const table = await npx(dir, 'mgdl', 'analyze', 'history.csv');
    expect(table.stdout).toMatch(/S3 forgotten ≥ once\s+2/);
    const bad = await run(join(dir, 'node_modules', '.bin', 'mgdl'), ['analyze', 'missing.csv'], { cwd: dir, env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^mgdl: missing\.csv: cannot read the file/);
  });

  it('runs a seed experiment from the install: mgdl run cic-width --preset smoke on a synthetic MNIST', async () => {
    const list = await npx(dir, 'mgdl', 'run');
    expect(list.stdout).toMatch(/cic-width\s+FCNN width/);
    await npx(dir, 'mgdl', 'data', 'synthetic', 'mnist', '--out', 'data', '--train', '600', '--test', '300');
    const ran = await npx(dir, 'mgdl', 'run', 'cic-width', '--preset', 'smoke', '--data-dir', 'data', '--no-verify', '--workers', '2');
    measured.push(`mgdl run cic-width --preset smoke (synthetic MNIST, 2 cells): ${ran.seconds.toFixed(1)} s`);
    const out = join(dir, 'runs', 'cic-width', 'smoke');
    expect(readdirSync(join(out, 'cells')).sort()).toEqual(['width=1,seed=0', 'width=4,seed=0']);
    expect(JSON.parse(readFileSync(join(out, 'verdict.json'), 'utf8'))).toHaveProperty('procedure');
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    const example = readmeExamples(readFileSync(join(dir, 'node_modules/@mgdl/seed-experiments/README.md'), 'utf8')).get('experiments-plan');
    expect(example, 'the experiments README marks its example <!-- install-check: experiments-plan -->').toBeDefined();
    writeFileSync(join(dir, 'experiments-plan.mjs'), example!.code);
    expect((await node(dir, 'experiments-plan.mjs')).stdout).toMatch(/cic-width, .*mgdl-bubbling-bed\n2 cells: width=2,seed=0 width=8,seed=0/);
  });

  it("type-checks (strict) and runs the kernel README's example, as shipped in the package", async () => {
    const example = readmeExamples(readFileSync(join(dir, 'node_modules/@mgdl/kernel/README.md'), 'utf8')).get('kernel-plugins');
    expect(example, 'the kernel README marks its example <!-- install-check: kernel-plugins -->').toBeDefined();
    writeFileSync(join(dir, 'kernel-plugins.ts'), example!.code);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: strictCompilerOptions, files: ['kernel-plugins.ts'] }));
    await npx(dir, 'tsc', '-p', 'tsconfig.json');
    const ran = await npx(dir, 'tsx', 'kernel-plugins.ts');
    measured.push(`kernel README example (synthetic MNIST stand-in): ${ran.seconds.toFixed(1)} s`);
    expect(ran.stdout).toMatch(/validation accuracy \d+\.\d\d%/);
  });

  it('trains a plain tf.sequential() model with model.fit and records forgetting statistics through fitCallback', async () => {
    const result = JSON.parse((await node(dir, 'fit.mjs')).stdout) as { tfjs: string; steps: number; samples: number };
    expect(result).toMatchObject({ tfjs: readManifest(join(dir, 'node_modules/@tensorflow/tfjs-core')).version, steps: 6, samples: 96 });
  });
});

describe(`a project on the oldest tfjs the packages claim (@tensorflow/tfjs ${TFJS_OLDEST}) that adds mgdl`, () => {
  let dir: string;

  beforeAll(async () => {
    dir = project('oldest-tfjs');
    const mgdl = packages.filter((p) => ['@mgdl/backend', '@mgdl/datasets', '@mgdl/forgetting', '@mgdl/kernel', '@mgdl/models'].includes(p.name));
    const tools = ['tsx', 'typescript', '@types/node'].map((name) => `${name}@${rootDevVersion(name)}`);
    // As the READMEs say: on a tfjs older than the newest, name the four tfjs packages mgdl peers on at
    // that version (npm would otherwise pick the newest backend-cpu for the peer, which wants the newest core).
    const tfjs = ['tfjs', 'tfjs-core', 'tfjs-layers', 'tfjs-backend-cpu', 'tfjs-backend-wasm'].map((name) => `@tensorflow/${name}@${TFJS_OLDEST}`);
    const ran = await npm(dir, 'install', '--prefer-online', ...tfjs, ...mgdl.map((p) => `${p.name}@${p.version}`), ...tools);
    measured.push(`npm install of @tensorflow/tfjs@${TFJS_OLDEST} with five @mgdl packages: ${ran.seconds.toFixed(1)} s`);
  });

  it("keeps one copy of tfjs, the user's", async () => {
    for (const name of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers']) {
      const copies = (await run('npm', ['ls', name, '--all', '--parseable'], { cwd: dir, env })).stdout.trim().split('\n');
      expect(new Set(copies), name).toEqual(new Set([join(dir, 'node_modules', name)]));
      expect(readManifest(join(dir, 'node_modules', name)).version, name).toBe(TFJS_OLDEST);
    }
  });

  it('trains with model.fit + fitCallback, and runs the kernel README example', async () => {
    const result = JSON.parse((await node(dir, 'fit.mjs')).stdout) as { tfjs: string; steps: number };
    expect(result).toMatchObject({ tfjs: TFJS_OLDEST, steps: 6 });
    const example = readmeExamples(readFileSync(join(dir, 'node_modules/@mgdl/kernel/README.md'), 'utf8')).get('kernel-plugins')!;
    writeFileSync(join(dir, 'kernel-plugins.ts'), example.code);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: strictCompilerOptions, files: ['kernel-plugins.ts'] }));
    await npx(dir, 'tsc', '-p', 'tsconfig.json');
    expect((await npx(dir, 'tsx', 'kernel-plugins.ts')).stdout).toMatch(/validation accuracy \d+\.\d\d%/);
  });
});

describe('the install route the README gives (npm run pack-packages)', () => {
  it('packs every package into one folder and prints one npm install line that installs @mgdl/forgetting with its @mgdl dependency', async () => {
    const folder = join(scratch, 'packed-for-users');
    const packed = await ok(process.execPath, ['--import', 'tsx', join(workspaceRoot, 'tools/install-check/src/pack-packages.ts'), '--no-build', '--out', folder, '@mgdl/forgetting'], { cwd: workspaceRoot, env });
    expect(readdirSync(folder).filter((f) => f.endsWith('.tgz'))).toHaveLength(packages.length);
    const line = packed.stdout.split('\n').find((l) => l.startsWith('npm install '));
    expect(line, packed.stdout).toBeDefined();
    const dir = project('from-tarballs');
    await npm(dir, ...line!.slice('npm '.length).split(' '));
    expect(readdirSync(join(dir, 'node_modules/@mgdl')).sort()).toEqual(['forgetting', 'random']);
    writeFileSync(join(dir, 'use.mjs'), "import { analyze, History } from '@mgdl/forgetting';\nconsole.log(typeof analyze, typeof History);\n");
    expect((await node(dir, 'use.mjs')).stdout).toBe('function function\n');
  });
});

describe('a project that installs only @mgdl/forgetting', () => {
  it('gets no tfjs, and runs the README example that analyses a history in memory', async () => {
    const dir = project('core-only');
    const forgetting = packages.find((p) => p.name === '@mgdl/forgetting')!;
    const ran = await npm(dir, 'install', '--prefer-online', `${forgetting.name}@${forgetting.version}`);
    measured.push(`npm install @mgdl/forgetting alone: ${ran.seconds.toFixed(1)} s, ${readdirSync(join(dir, 'node_modules')).join(', ')} in node_modules`);
    expect(existsSync(join(dir, 'node_modules/@tensorflow'))).toBe(false);
    expect(readdirSync(join(dir, 'node_modules/@mgdl')).sort()).toEqual(['forgetting', 'random']);
    const example = readmeExamples(readFileSync(join(dir, 'node_modules/@mgdl/forgetting/README.md'), 'utf8')).get('forgetting-core');
    expect(example, 'the forgetting README marks its example <!-- install-check: forgetting-core -->').toBeDefined();
    writeFileSync(join(dir, 'core.mjs'), example!.code);
    expect((await node(dir, 'core.mjs')).stdout).toMatch(/S3 2, M\/F/);
  });

  it('runs in a browser: the installed core, bundled for the browser, analyses a history in headless Chromium', async () => {
    const dir = join(scratch, 'core-only');
    const found = ensureChromium((line) => console.log(line));
    if ('reason' in found) throw new Error(`the browser check needs Chromium: ${found.reason}`);
    // esbuild refuses Node built-ins on the browser platform, so bundling at all proves there are none.
    const bundle = await build({ entryPoints: [join(dir, 'browser-entry.mjs')], absWorkingDir: dir, bundle: true, platform: 'browser', format: 'iife', write: false, logLevel: 'silent' });
    const browser = await puppeteer.launch({ executablePath: found.path, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.setContent(`<!doctype html><script>${bundle.outputFiles[0]!.text.replace(/<\/script/g, '<\\/script')}</script>`);
      const result = await page.evaluate(() => (globalThis as unknown as { mgdlResult: unknown }).mgdlResult);
      expect(errors).toEqual([]);
      expect(result).toMatchObject({ summary: { samples: 4, steps: 4, S1: 1, S2: 1, S3: 2, events: 3, ratio: 1 }, hasProcess: false });
    } finally {
      await browser.close();
    }
  });
});

const strictCompilerOptions = {
  target: 'ES2022',
  lib: ['ES2022', 'DOM'],
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  types: ['node'],
  strict: true,
  noUncheckedIndexedAccess: true,
  noEmit: true,
  // tfjs's own declaration files do not pass a strict check (tfjs-layers' PyJsonValue, Long, EmscriptenModule).
  skipLibCheck: true,
};

/** Every file an `exports` map points at. */
function exportTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(exportTargets);
  return [];
}

