#!/usr/bin/env node
// Adds up the vitest JSON results of every project (written into MGDL_TEST_RESULTS by
// vitest.shared.ts) and the nx tasks that failed (typecheck, lint, or a test run that crashed
// before reporting), and prints one last line: "N passed, N failed".
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [resultsDir, nxLog] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of readdirSync(resultsDir).filter((f) => f.endsWith('.json'))) {
  const result = JSON.parse(readFileSync(join(resultsDir, file), 'utf8'));
  passed += result.numPassedTests;
  failed += result.numFailedTests;
  skipped += result.numPendingTests + result.numTodoTests;
  // A test file that fails to load, or whose beforeAll throws (its tests then read "skipped"),
  // counts no failed test but fails the suite: it counts as one failure.
  failed += result.testResults.filter((t) => t.status === 'failed' && !t.assertionResults.some((a) => a.status === 'failed')).length;
}
// nx lists each failed task after "Failed tasks:" as "- project:target".
// eslint-disable-next-line no-control-regex -- strips the terminal colour codes nx writes
const log = readFileSync(nxLog, 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
const failedTasks = [...log.matchAll(/^\s*- (\S+:(?:typecheck|lint|test))\s*$/gm)].map((m) => m[1]);
const failedChecks = failedTasks.filter((t) => !t.endsWith(':test'));
if (failedTasks.length) console.log(`failed nx tasks: ${failedTasks.join(', ')}`);
if (skipped) console.log(`${skipped} tests skipped`);
console.log(`${passed} passed, ${failed + failedChecks.length} failed`);
