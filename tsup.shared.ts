import { defineConfig, type Options } from 'tsup';

/** How every package builds: ESM and CJS with types and source maps for Node 20; `overrides` adds entries or options. */
export function packageBuild(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    ...overrides,
  });
}

export default packageBuild();
