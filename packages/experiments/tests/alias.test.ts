import * as seedExperiments from '@mgdl/seed-experiments';
import { describe, expect, it } from 'vitest';
import * as deprecated from '../src/index.js';

describe('@mgdl/experiments (deprecated name of @mgdl/seed-experiments)', () => {
  it('re-exports every name of @mgdl/seed-experiments, as the same objects', () => {
    expect(Object.keys(deprecated).sort()).toEqual(Object.keys(seedExperiments).sort());
    for (const name of Object.keys(seedExperiments)) expect((deprecated as Record<string, unknown>)[name], name).toBe((seedExperiments as Record<string, unknown>)[name]);
    expect(deprecated.findExperiment('cic-width')?.name).toBe('cic-width');
  });
});
