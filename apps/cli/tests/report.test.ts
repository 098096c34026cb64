import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mgdl } from './run.js';

describe('mgdl report', () => {
  it('writes one HTML file for a run directory and prints its path', () => {
    const run = join(mkdtempSync(join(tmpdir(), 'mgdl-cli-report-')), 'run');
    mkdirSync(run);
    writeFileSync(join(run, 'params.json'), JSON.stringify({ config: { note: '<i>x</i>' }, seed: 0, epochs: 3, batchesPerEpoch: 1, packages: {}, git: null, created: '2026-12-02T00:00:00.000Z' }));
    writeFileSync(join(run, 'events.jsonl'), [0, 1, 2].map((epoch) => JSON.stringify({ wall_time: 1, step: epoch + 1, epoch, tag: 'train/loss', value: 1 / (epoch + 1) })).join('\n') + '\n');
    const result = mgdl('report', run);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(join(run, 'report.html'));
    const html = readFileSync(join(run, 'report.html'), 'utf8');
    expect(html).toContain('<figure>');
    expect(html).toContain('&lt;i&gt;x&lt;/i&gt;');
    expect(result.stderr).toContain('missing metrics.json');
    const nested = join(run, 'not', 'yet', 'there.html');
    const elsewhere = mgdl('report', run, '--out', nested);
    expect(elsewhere.status, elsewhere.stderr).toBe(0);
    expect(readFileSync(nested, 'utf8')).toContain('<figure>');
    const figures = join(run, 'figures');
    const again = mgdl('report', run, '--figures', figures);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain(`1 figures in ${figures}`);
    expect(readdirSync(figures)).toEqual(['01-run-run--loss-per-epoch-train-on-the.svg']);
    expect(readFileSync(join(figures, readdirSync(figures)[0]!), 'utf8')).toMatch(/^<svg/);
  });

  it('fails when no run directory holds anything readable', () => {
    const empty = mkdtempSync(join(tmpdir(), 'mgdl-cli-report-'));
    const result = mgdl('report', empty, '--out', join(empty, 'r.html'));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('nothing readable');
    expect(existsSync(join(empty, 'r.html'))).toBe(false);
  });

  it('warns, naming the cells and what differs, when the cells compared were made by different code or data', () => {
    const root = mkdtempSync(join(tmpdir(), 'mgdl-cli-report-'));
    const cell = (name: string, kernel: string, images: string) => {
      const dir = join(root, 'cells', name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'params.json'), JSON.stringify({ config: { seed: 0 }, seed: 0, epochs: 1, batchesPerEpoch: 1, packages: {}, git: null, created: '2026-12-02T00:00:00.000Z' }));
      writeFileSync(join(dir, 'events.jsonl'), `${JSON.stringify({ wall_time: 1, step: 1, epoch: 0, tag: 'train/loss', value: 0.5 })}\n`);
      const identity = { config: { seed: Number(name.slice(-1)) }, mgdl: '0.1.0', code: { '@mgdl/kernel': kernel, '@mgdl/io': 'aaaa' }, data: { verify: true, mnist: { 'train-images-idx3-ubyte.gz': images } } };
      writeFileSync(join(dir, 'identity.json'), JSON.stringify({ fingerprint: `f${name}`, identity }));
      return dir;
    };
    const cells = [cell('seed=0', '1111', 'published'), cell('seed=1', '1111', 'published'), cell('seed=2', '2222', '60 bytes, sha256 beef')];
    const result = mgdl('report', ...cells, '--out', join(root, 'report.html'));
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain('mgdl report: warning: seed=2 was made by other code than seed=0, seed=1: code.@mgdl/kernel: "1111" → "2222"\n');
    expect(result.stderr).toContain('mgdl report: warning: seed=2 was made by other data than seed=0, seed=1: data.mnist.train-images-idx3-ubyte.gz: "published" → "60 bytes, sha256 beef"\n');
    // The run folder above the cells is read the same way.
    expect(mgdl('report', root, '--out', join(root, 'again.html')).stderr).toContain('seed=2 was made by other code than seed=0, seed=1');
    const alike = mgdl('report', cells[0]!, cells[1]!, '--out', join(root, 'alike.html'));
    expect(alike.stderr).not.toContain('warning');
  });
});
