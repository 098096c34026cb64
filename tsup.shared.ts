import { rm, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { defineConfig, type Options } from 'tsup';

/**
 * How every package builds: ES modules with types and source maps for Node 20, plus a CommonJS
 * entry per ES entry. `overrides` adds entries or options.
 *
 * The CommonJS entries are not a second build: each `dist/NAME.cjs` is one line,
 * `module.exports = require('./NAME.js')`, which loads the ES module itself (require(esm), Node ≥
 * 20.19). So `import` and `require` get the same objects — one copy of every class (`instanceof`
 * holds across them) and of module state such as the chosen backend — and `import.meta.url` works
 * the same in both. tsup still builds CJS once to write the `.d.cts` types for `require` callers;
 * its JavaScript is replaced.
 */
export function packageBuild(overrides: Options = {}) {
  const options: Options = {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    // Only the discarded CJS JavaScript would use these; they keep esbuild from warning about import.meta.
    shims: true,
    ...overrides,
  };
  const outDir = options.outDir ?? 'dist';
  const names = entryNames(options.entry);
  return defineConfig({
    ...options,
    async onSuccess() {
      await Promise.all(names.map((name) => writeCjsEntry(outDir, name)));
    },
  });
}

/** Output names of tsup's `entry`: `src/index.ts` → `index`; an object's keys are the names. */
export function entryNames(entry: Options['entry']): string[] {
  if (!entry) return ['index'];
  if (Array.isArray(entry)) return entry.map((file) => basename(file, extname(file)));
  return Object.keys(entry);
}

/** The CommonJS entry that hands `require` callers the ES module (see packageBuild). */
export function cjsEntry(name: string): string {
  return (
    `'use strict';\n` +
    `// require('…') gets the ES module itself (require(esm), Node >= 20.19): one copy of every class and of module state.\n` +
    `module.exports = require('./${name}.js');\n`
  );
}

async function writeCjsEntry(outDir: string, name: string): Promise<void> {
  await writeFile(join(outDir, `${name}.cjs`), cjsEntry(name));
  await rm(join(outDir, `${name}.cjs.map`), { force: true });
}

export default packageBuild();
