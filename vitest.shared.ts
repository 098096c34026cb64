import { defineProject } from 'vitest/config';

// Siblings resolve to their TypeScript sources through the `source` export condition,
// so tests never need a build of the packages they import.
const conditions = ['source', 'import', 'module', 'node', 'default'];

export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['node'] } },
  test: {
    include: ['tests/**/*.test.ts', 'src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
