// Runs in every test worker before its test files: tests never see the MGDL_* variables of the
// shell that started them. The README tells users to set MGDL_DATA_DIR, MGDL_BACKEND, MGDL_THREADS…
// for their runs; a test that saw them would pass or fail by the machine it runs on. A test that
// needs one sets it itself (on a spawned process's env, or on process.env in its own file).

/**
 * Kept: variables that point the test tooling at something, never change what a test checks.
 * MGDL_TEST_RESULTS (.ci/run: where vitest.shared.ts writes results), MGDL_PYTHON (a python with
 * tensorboard for the event-file checks), MGDL_BENCH_TORCH_PYTHON/VENV (the bench's torch) and
 * MGDL_CHROMIUM (report-check's browser).
 */
const TOOLING = new Set(['MGDL_TEST_RESULTS', 'MGDL_PYTHON', 'MGDL_BENCH_TORCH_PYTHON', 'MGDL_BENCH_TORCH_VENV', 'MGDL_CHROMIUM']);

for (const name of Object.keys(process.env)) {
  if (name.startsWith('MGDL_') && !TOOLING.has(name)) delete process.env[name];
}
