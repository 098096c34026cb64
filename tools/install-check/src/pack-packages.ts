// `npm run pack-packages -- [--out DIR] [PACKAGE ...]`: every public @mgdl package as a tarball in one
// folder, and the one `npm install` line that installs the packages named (default: all) with the
// @mgdl packages they depend on. The route to install mgdl until it is on the public registry.
import { mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ok, cleanEnv } from './run.js';
import { publishablePackages, readManifest, workspaceRoot, type Publishable } from './workspace.js';

const USAGE = `usage: npm run pack-packages -- [--out DIR] [--no-build] [PACKAGE ...]
  Builds and packs every public @mgdl package into DIR (default: mgdl-packages), then prints the
  npm install line for the PACKAGEs named (e.g. @mgdl/forgetting; default: all of them), with the
  @mgdl packages they depend on. Run that line in your own project.`;

/** The named packages and every @mgdl package they depend on (dependencies, not devDependencies), in workspace order. */
export function withMgdlDependencies(names: readonly string[], packages: readonly Publishable[]): Publishable[] {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const needed = new Set<string>();
  const visit = (name: string) => {
    if (needed.has(name)) return;
    const found = byName.get(name);
    if (!found) throw new Error(`no public package ${name}; the packages are: ${packages.map((p) => p.name).join(', ')}`);
    needed.add(name);
    for (const dependency of Object.keys(readManifest(join(workspaceRoot, found.dir)).dependencies ?? {})) if (dependency.startsWith('@mgdl/')) visit(dependency);
  };
  names.forEach(visit);
  return packages.filter((p) => needed.has(p.name));
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ options: { out: { type: 'string', default: 'mgdl-packages' }, 'no-build': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  } catch (error) {
    console.error(`pack-packages: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  const packages = publishablePackages();
  let wanted: Publishable[];
  try {
    wanted = withMgdlDependencies(parsed.positionals.length > 0 ? parsed.positionals : packages.map((p) => p.name), packages);
  } catch (error) {
    console.error(`pack-packages: ${(error as Error).message}`);
    return 2;
  }
  // npm sets INIT_CWD to where the user typed `npm run`: --out is relative to it.
  const out = resolve(process.env['INIT_CWD'] ?? process.cwd(), parsed.values.out);
  const env = cleanEnv();
  if (!parsed.values['no-build']) {
    console.error(`building ${packages.length} packages …`);
    await ok('npx', ['nx', 'run-many', '-t', 'build', '--outputStyle=static', ...packages.flatMap((p) => ['-p', p.name])], { cwd: workspaceRoot, env });
  }
  mkdirSync(out, { recursive: true });
  const packed = JSON.parse((await ok('npm', ['pack', '--json', '--pack-destination', out, ...packages.flatMap((p) => ['--workspace', p.dir])], { cwd: workspaceRoot, env })).stdout) as { name: string; filename: string }[];
  const fileOf = new Map(packed.map((t) => [t.name, join(out, t.filename)]));
  const shown = (file: string) => (relative(process.cwd(), file).startsWith('..') ? file : `./${relative(process.cwd(), file)}`);
  console.log(`${packed.length} packages packed into ${out}`);
  console.log(`install ${parsed.positionals.length > 0 ? parsed.positionals.join(', ') : 'all of them'} in your project:`);
  console.log(`npm install ${wanted.map((p) => shown(fileOf.get(p.name)!)).join(' ')}`);
  return 0;
}

process.exitCode = await main();
