import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STDOUT_LOG } from '../src/files.js';
import { startCell } from '../src/run-cell.js';
import { tempDir } from './helpers.js';

describe('a cell whose log cannot be written', () => {
  it('is stopped with the path and the cause named, instead of crashing the runner with an unhandled stream error', async () => {
    const cellDir = tempDir();
    mkdirSync(join(cellDir, STDOUT_LOG)); // a folder where the log file should be: every write fails
    const cell = startCell('seed=0', cellDir, { file: process.execPath, args: ['-e', 'setTimeout(() => {}, 600_000)'] }, () => undefined);
    const exit = await cell.exited;
    expect(exit.signal).toBe('SIGTERM');
    expect(exit.stderrTail).toEqual([expect.stringMatching(new RegExp(`^cannot write ${join(cellDir, STDOUT_LOG).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(EISDIR: .*\\); the cell was stopped and resumes from its checkpoint on a rerun$`))]);
  });

});
