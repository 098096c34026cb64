import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { historyToCsv } from '../src/index.js';
import { readDynamics } from '../src/node.js';

/* Runs the examples of docs/BRING-YOUR-OWN.md exactly as printed there. */

const root = fileURLToPath(new URL('../../..', import.meta.url));
const page = readFileSync(join(root, 'docs', 'BRING-YOUR-OWN.md'), 'utf8');
const blocks = (language: string) => [...page.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
const examples = new Map(blocks('ts').flatMap((code) => {
  const name = /^\/\/ example: (\S+)/.exec(code)?.[1];
  return name ? [[name, code] as const] : [];
}));

/** Writes an example where Node resolves the workspace packages (under the root node_modules) and runs it as a user would. */
function runExample(name: string) {
  const dir = join(root, 'node_modules', '.cache', 'mgdl-docs-examples');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(dir, name), examples.get(name)!);
  // CI runs under nx, which asks children for colour: the page shows plain console.log output.
  const { FORCE_COLOR: _colour, ...env } = process.env;
  return spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', join(dir, name)], { cwd: root, encoding: 'utf8', timeout: 600_000, env: { ...env, NO_COLOR: '1' } });
}

describe('docs/BRING-YOUR-OWN.md', () => {
  it('has the examples this test runs', () => {
    expect([...examples.keys()]).toEqual(['own-table.ts', 'own-report.ts', 'own-loop.ts']);
    expect(blocks('python')).toHaveLength(2);
  });

  it('own-table.ts: a CSV table through Batcher and train() with the forgetting plugin', () => {
    const run = runExample('own-table.ts');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("[ 'bubbling', 'slugging', 'turbulent' ] [ 'run-0', 'run-1' ]");
    expect(run.stdout).toMatch(/samples: 60,\s+steps: 5,/);
  });

  it('own-report.ts: known clean labels, train() with reportedRun, to the noise table, the report and the interchange file', () => {
    const run = runExample('own-report.ts');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('20 noisy of 200 samples');
    // The three best scores find the flipped labels well (ROC-AUC printed to 2 digits).
    const aucs = [...run.stdout.matchAll(/^.+ (\d\.\d\d)$/gm)].map((m) => Number(m[1]));
    expect(aucs).toHaveLength(3);
    for (const auc of aucs) expect(auc).toBeGreaterThan(0.8);
    const reportFile = run.stdout.trim().split('\n').at(-1)!;
    expect(readFileSync(reportFile, 'utf8')).toMatch(/ROC/);
    const jsonl = readFileSync(join(dirname(reportFile), 'dynamics.jsonl'), 'utf8').trimEnd().split('\n');
    expect(jsonl).toHaveLength(1 + 30 * 200);
  });

  it('own-loop.ts: a recorder in a hand-written loop prints what the page says', () => {
    const run = runExample('own-loop.ts');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('[ 1, 0, 0 ]');
    // AUM of cat.png: margins 1.5, −0.7, 3 → 1.2666…
    expect(run.stdout).toMatch(/Float64Array\(3\) \[\s*1\.26666/);
  });

  it('the PyTorch snippet writes a file mgdl reads (run with python3 and stand-in tensors)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mgdl-docs-python-'));
    const driver = `
class T:
    def __init__(self, v): self.v = v
    def tolist(self): return self.v
    def detach(self): return self
    def cpu(self): return self

for epoch, rows in enumerate([[[2.0, 0.5], [0.1, 1.0]], [[0.3, 1.0], [0.2, 2.0]]]):
    log_batch(T([7, 9]), T(rows), T([0, 1]), epoch)
log.close()
`;
    writeFileSync(join(dir, 'snippet.py'), blocks('python')[0]! + driver);

    const python = spawnSync('python3', ['snippet.py'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    expect(python.error, 'python3 runs the snippet').toBeUndefined();
    expect(python.status, python.stderr).toBe(0);
    const imported = readDynamics([join(dir, 'dynamics.jsonl')]);
    expect(imported.format).toBe('mgdl-jsonl');
    expect(historyToCsv(imported.recorder.history())).toBe('id,0,1\n7,1,0\n9,1,1\n');
  });

  it("the two lines that convert Toneva's stats_dict.pkl give the forgetting counts of her order_examples_by_forgetting.py", () => {
    const dir = mkdtempSync(join(tmpdir(), 'mgdl-docs-toneva-'));
    // A pickle as run_mnist.py leaves it: index → [loss, acc, margin] per presentation, and 'train'/'test' summaries.
    const accuracies = { 0: [0, 1, 1, 0, 1], 1: [1, 1, 1, 1, 1], 2: [0, 0, 0, 0, 0], 5: [1, 0, 1, 0, 0] };
    const make = `import pickle\nacc = ${JSON.stringify(accuracies)}\nstats = {int(k): [[0.1] * len(v), v, [0.5] * len(v)] for k, v in acc.items()}\nstats['train'] = [[0.3], [0.9]]\nstats['test'] = [[0.4], [0.8]]\npickle.dump(stats, open('stats_dict.pkl', 'wb'))\n`;
    writeFileSync(join(dir, 'make.py'), make);
    writeFileSync(join(dir, 'convert.py'), blocks('python')[1]!);
    for (const script of ['make.py', 'convert.py']) {
      const python = spawnSync('python3', [script], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
      expect(python.status, python.stderr).toBe(0);
    }
    const imported = readDynamics([join(dir, 'toneva.json')]);
    expect(imported.format).toBe('matrix-json');
    const analysis = imported.recorder.analyze();
    // Toneva: transitions 1 → 0; never learned (index 2) sorted as `epochs` (5) forgettings.
    const expected: Record<number, number> = { 0: 1, 1: 0, 2: 5, 5: 2 };
    Array.from(analysis.perSample.ids).forEach((id, p) => {
      const count = analysis.perSample.set[p] === 1 ? 5 : analysis.perSample.forgettingEvents[p];
      expect(count).toBe(expected[id]);
    });
  });
});
