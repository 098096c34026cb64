import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('a script on the threaded wasm backend', () => {
  it('ends by itself when its code is done: the pool threads do not keep Node alive', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/backend-exit.ts', import.meta.url));
    // The timeout is a hang guard (a hanging script is the failure), not a speed check.
    const outcome = await new Promise<{ code: number | null; signal: string | null; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, ['--conditions=source', '--import', 'tsx', fixture], { timeout: 120_000, encoding: 'utf8' }, (_error, stdout) =>
        resolve({ code: child.exitCode, signal: child.signalCode, stdout }),
      );
    });
    expect(outcome).toEqual({ code: 0, signal: null, stdout: 'wasm 2 true\n' });
  });
});
