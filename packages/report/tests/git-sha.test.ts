import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitSha } from '../src/index.js';

describe('gitSha', () => {
  it("names the checkout's HEAD (with -dirty when tracked files changed), the same on every call", () => {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const sha = gitSha();
    expect(sha).toMatch(new RegExp(`^${head}(-dirty)?$`));
    expect(gitSha()).toBe(sha);
  });

  it('is null outside a git checkout', () => {
    expect(gitSha(mkdtempSync(join(tmpdir(), 'mgdl-no-git-')))).toBeNull();
  });
});
