import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

describe('the README example', () => {
  // tools/install-check runs the README's copy from an installed package; this keeps it the file the workspace type-checks.
  it('is examples/mnist-plugins.ts, word for word', () => {
    const block = /<!-- install-check: kernel-plugins -->\s*\n```ts\n([\s\S]*?)\n```/.exec(read('README.md'));
    expect(block?.[1]).toBe(read('examples/mnist-plugins.ts').trimEnd());
  });

  it('of trainEnsemble is examples/seed-ensemble.ts, word for word', () => {
    const block = /<!-- example: kernel-ensemble -->\s*\n```ts\n([\s\S]*?)\n```/.exec(read('README.md'));
    expect(block?.[1]).toBe(read('examples/seed-ensemble.ts').trimEnd());
  });

  it('of trainEnsemble with mutator plugins is examples/ensemble-mutators.ts, word for word', () => {
    const block = /<!-- example: kernel-ensemble-mutators -->\s*\n```ts\n([\s\S]*?)\n```/.exec(read('README.md'));
    expect(block?.[1]).toBe(read('examples/ensemble-mutators.ts').trimEnd());
  });

  it('of typed arrays in plugin state is examples/checkpoint-arrays.ts, word for word, and runs', () => {
    const block = /<!-- example: kernel-checkpoint-arrays -->\s*\n```ts\n([\s\S]*?)\n```/.exec(read('README.md'));
    expect(block?.[1]).toBe(read('examples/checkpoint-arrays.ts').trimEnd());
    const printed = execFileSync(process.execPath, ['--conditions=source', '--import', 'tsx', fileURLToPath(new URL('../examples/checkpoint-arrays.ts', import.meta.url))], { encoding: 'utf8' });
    const [, manifestBytes] = /manifest (\d+) bytes; counts restored as Uint32Array, sum 180000/.exec(printed) ?? [];
    // 60,000 counts as JSON numbers would be over 100 kB; as a placeholder, well under 1 kB.
    expect(Number(manifestBytes)).toBeLessThan(1_000);
  }, 60_000);
});
