import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Runs the fixture as a user's script; the timeout is a hang guard (a hanging script is the failure), not a speed check. */
function runScript(backend: string): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  const fixture = fileURLToPath(new URL('./fixtures/backend-exit.ts', import.meta.url));
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--conditions=source', '--import', 'tsx', fixture, backend], { timeout: 120_000, encoding: 'utf8' }, (_error, stdout, stderr) =>
      resolve({ code: child.exitCode, signal: child.signalCode, stdout, stderr }),
    );
  });
}

describe('a script ends by itself when its code is done', () => {
  it('on the threaded wasm backend: the pool threads do not keep Node alive', async () => {
    const { stderr: _stderr, ...outcome } = await runScript('wasm');
    expect(outcome).toEqual({ code: 0, signal: null, stdout: 'wasm 2 true\n' });
  });

  it("on webgpu: Dawn's device does not keep Node alive", async () => {
    const outcome = await runScript('webgpu');
    expect({ code: outcome.code, signal: outcome.signal, stdout: outcome.stdout }, outcome.stderr).toEqual({ code: 0, signal: null, stdout: 'webgpu 0 true\n' });
  });
});
