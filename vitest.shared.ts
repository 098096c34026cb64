import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Siblings resolve to their TypeScript sources through the `source` export condition,
// so tests never need a build of the packages they import.
const conditions = ['source', 'import', 'module', 'node', 'default'];

// CI sets MGDL_TEST_RESULTS to a folder: each project also writes its results there as JSON,
// which `.ci/summary.mjs` adds up into one "N passed, N failed" line.
const resultsDir = process.env['MGDL_TEST_RESULTS'];
const projectName = (JSON.parse(readFileSync('package.json', 'utf8')) as { name: string }).name;
const reporters = resultsDir ? ['default', ['json', { outputFile: join(resultsDir, `${projectName.replace(/[@/]/g, '_')}.json`) }] as const] : ['default'];

// Timeouts are hang guards, never speed checks: a test on a busy 2-core machine may take many
// times its quiet-machine duration (an app's smoke run spawns a process per cell).
const HANG_GUARD_MS = 15 * 60_000;

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['node'] } },
  test: {
    include: ['tests/**/*.test.ts', 'src/**/*.test.ts'],
    environment: 'node',
    testTimeout: HANG_GUARD_MS,
    hookTimeout: HANG_GUARD_MS,
    pool: 'forks',
    // Clears the user's MGDL_* variables (MGDL_DATA_DIR, MGDL_BACKEND…) before any test runs.
    setupFiles: [fileURLToPath(new URL('./vitest.setup.ts', import.meta.url))],
    reporters: reporters as never,
  },
});
