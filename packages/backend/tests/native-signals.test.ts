/**
 * oneDNN 2.6 corrupts the C heap when a signal handler runs on its thread mid-call (Node's own
 * handlers for SIGINT, SIGTERM, SIGWINCH, SIGCHLD, or `node --cpu-prof`'s SIGPROF), so mgdl holds
 * signals around every native call. A child computes native products and convolutions while this
 * test sends it a stream of SIGWINCH; it must finish with every result exact. Without the mask it
 * aborts ("corrupted size vs. prev_size") within a few thousand signals. libdnnl.so.2 required, as
 * for the other native tests.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const WANTED = 3000;

// At 2 threads a signal the JavaScript thread holds back goes to another thread; OpenMP's worker,
// started inside a held call, inherits the held mask and never takes one mid-product.
it.each([1, 2])('native products and convolutions survive a stream of signals, with exact results (%i thread(s))', async (threads) => {
  const fixture = fileURLToPath(new URL('./fixtures/native-signal-storm.ts', import.meta.url));
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', fixture, String(WANTED), String(threads)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let storm: NodeJS.Timeout | undefined;
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    // Signals from the moment the backend is up, several per product, until the child has its count.
    if (!storm && stdout.includes('ready\n')) storm = setInterval(() => child.kill('SIGWINCH'), 0);
  });
  // A hang guard only: the child stops by itself once it has counted its signals.
  const guard = setTimeout(() => child.kill('SIGKILL'), 240_000);
  const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  clearInterval(storm);
  clearTimeout(guard);
  expect(outcome, stderr.trim().split('\n').slice(-8).join('\n').slice(-2000)).toEqual({ code: 0, signal: null });
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { iterations: number; signals: number; wrong: number };
  expect(result.signals).toBeGreaterThanOrEqual(WANTED);
  expect(result.wrong, `${result.iterations} iterations`).toBe(0);
}, 300_000);
