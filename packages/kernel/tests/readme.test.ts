import { readFileSync } from 'node:fs';
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
});
