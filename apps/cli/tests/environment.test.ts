import { describe, expect, it } from 'vitest';

// vitest.setup.ts (every project's setup file) clears the shell's MGDL_* variables, so this holds
// however the shell was set up: try `MGDL_DATA_DIR=some/folder MGDL_BACKEND=cpu npx nx run @mgdl/cli:test`.
describe("the tests' environment", () => {
  it('holds none of the MGDL_* variables a user sets for their runs, so no spawned mgdl inherits them', () => {
    const userSettings = ['MGDL_BACKEND', 'MGDL_THREADS', 'MGDL_DATA_DIR', 'MGDL_CACHE', 'MGDL_OFFLINE', 'MGDL_VERIFY', 'MGDL_DEBUG', 'MGDL_SWEEP_CELL', 'MGDL_SLURM_POLL_SECONDS'];
    expect(userSettings.filter((name) => name in process.env)).toEqual([]);
  });
});
