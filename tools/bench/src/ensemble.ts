/**
 * npm run bench:ensemble [-- --net fcnn --steps 20 --rounds 2 --widths 1,10 --members 1,2,5,10]
 *
 * The ensemble runs in both layouts (trainEnsemble's `products`): 'per-member' 2-D products and
 * 'stacked' weights with one batched product per layer, which needs the native BatchMatMul to be fast.
 * `--net cnn4`, `mcnn` or `toneva-mnist` measures a zoo conv net instead (at its widths), whose
 * members run as their own models in one step (no stacked layout: its column shows —).
 *
 * Seeds in one pass: S members of the cic-width FCNN (784 → 16·w ReLU → 10, batch 128, Adam, a
 * per-sample plugin per member as the forgetting statistics have) trained by one trainEnsemble call
 * against the same S members trained one after another by train(), in the same process, on
 * MNIST-shaped random data. A solo run's rate is its samples ÷ its time; an ensemble member's, its
 * samples ÷ the ensemble's time (wall); the speed-ups are the S solo runs' time ÷ the ensemble's,
 * in wall and in process CPU time. Each round measures solo then ensemble; the best round of each counts.
 */
import { initBackend } from '@mgdl/backend';
import { Batcher, type Dataset } from '@mgdl/datasets';
import { train, trainEnsemble, type KernelPlugin, type TrainingData } from '@mgdl/kernel';
import { buildModel } from '@mgdl/models';
import { createRandom } from '@mgdl/random';
import { commandLine, positiveInteger, positiveIntegers } from './command-line.js';
import { markdownTable } from './markdown.js';

/** The nets it measures and their input images (MNIST-shaped, or CIFAR-shaped for mcnn). */
const SHAPES: Record<string, [number, number, number]> = { fcnn: [28, 28, 1], cnn4: [28, 28, 1], 'toneva-mnist': [28, 28, 1], mcnn: [32, 32, 3] };
const HELP = `Usage: npm run bench:ensemble -- [options]
  --net NAME      ${Object.keys(SHAPES).join(', ')} (default: fcnn, the only one with the stacked layout)
  --steps N       training steps (batches of 128) per member (default: 20)
  --rounds N      rounds of solo then ensemble runs; the best of each counts (default: 2)
  --widths LIST   net widths, comma-separated (default: 1,10)
  --members LIST  ensemble sizes S, comma-separated (default: 1,2,5,10)
  -h, --help      this text`;
const cli = commandLine('bench:ensemble', HELP, {
  steps: { type: 'string', default: '20' },
  rounds: { type: 'string', default: '2' },
  widths: { type: 'string', default: '1,10' },
  members: { type: 'string', default: '1,2,5,10' },
  net: { type: 'string', default: 'fcnn' },
});
const net = cli.values.net;
const shape: [number, number, number] = SHAPES[net] ?? cli.fail(`--net '${net}' must be one of ${Object.keys(SHAPES).join(', ')}`);
const steps = cli.value('steps', positiveInteger);
const rounds = cli.value('rounds', positiveInteger);
const widths = cli.value('widths', positiveIntegers);
const memberCounts = cli.value('members', positiveIntegers);
const stackable = net === 'fcnn';
const build = (width: number) => () => buildModel(net, { width, inputShape: shape });
const batchSize = 128;
const backend = await initBackend({ backend: 'wasm', threads: 1 });

function randomImages(n: number, seed: number): Dataset {
  const random = createRandom(seed);
  return {
    name: 'random-images', split: 'train', kind: 'image', sampleShape: shape, sources: [],
    x: Uint8Array.from({ length: n * shape.reduce((a, b) => a * b, 1) }, () => Math.floor(random() * 256)),
    labels: Int32Array.from({ length: n }, () => Math.floor(random() * 10)),
    ids: Int32Array.from({ length: n }, (_, i) => i),
    classNames: Array.from({ length: 10 }, (_, c) => String(c)),
  };
}
/** Member m's own samples, labels and order, as a cic-width cell's. */
const memberData = Array.from({ length: Math.max(...memberCounts) }, (_, m): TrainingData => new Batcher(randomImages(batchSize * steps, 1 + m), { batchSize, seed: 100 + m }));
/** Reads every per-sample array, as forgetting statistics do. */
const perSampleConsumer = (): KernelPlugin => {
  let correct = 0;
  return { name: 'per-sample', perSample: true, onBatchEnd: (e) => void e.correct!.forEach((c) => (correct += c)), onRunEnd: () => void (correct = 0) };
};

/** Wall and CPU seconds of one measurement: on a loaded machine the process's CPU time is the steadier of the two. */
interface Timing {
  wall: number;
  cpu: number;
}

async function timed(run: () => Promise<{ model: { dispose(): void } }[]>): Promise<Timing> {
  const [start, cpuStart] = [performance.now(), process.cpuUsage()];
  const results = await run();
  const cpu = process.cpuUsage(cpuStart);
  const timing = { wall: (performance.now() - start) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
  for (const result of results) result.model.dispose();
  return timing;
}
const best = (a: Timing, b: Timing): Timing => ({ wall: Math.min(a.wall, b.wall), cpu: Math.min(a.cpu, b.cpu) });

const soloRuns = (width: number, members: number) =>
  timed(async () => {
    const results = [];
    for (let m = 0; m < members; m++) {
      results.push(await train({ model: build(width), data: memberData[m]!, epochs: 1, learningRate: 1e-3, seed: m, plugins: [perSampleConsumer()], progress: false }));
    }
    return results;
  });

const ensembleRun = (width: number, members: number, products: 'per-member' | 'stacked') =>
  timed(async () => {
    const specs = Array.from({ length: members }, (_, m) => ({ seed: m, data: memberData[m]!, plugins: [perSampleConsumer()] }));
    return (await trainEnsemble({ model: build(width), members: specs, epochs: 1, learningRate: 1e-3, products })).members;
  });
const none = (): Timing => ({ wall: Infinity, cpu: Infinity });

const rows: string[][] = [];
const samples = batchSize * steps;
for (const width of widths) {
  await soloRuns(width, 1); // warm-up: kernel compilation, allocator
  await ensembleRun(width, 2, 'per-member');
  if (stackable) await ensembleRun(width, 2, 'stacked');
  for (const members of memberCounts) {
    let [solo, perMember, stacked] = [none(), none(), none()];
    for (let round = 0; round < rounds; round++) {
      solo = best(solo, await soloRuns(width, members));
      perMember = best(perMember, await ensembleRun(width, members, 'per-member'));
      if (stackable) stacked = best(stacked, await ensembleRun(width, members, 'stacked'));
    }
    const show = (t: Timing) => `${t.wall.toFixed(2)} s (CPU ${t.cpu.toFixed(2)} s)`;
    process.stderr.write(`[bench:ensemble] w=${width} S=${members}: ${members} solo runs ${show(solo)}, ensemble per-member ${show(perMember)}, stacked ${show(stacked)}\n`);
    const rate = (seconds: number) => (Number.isFinite(seconds) ? (samples / seconds).toFixed(0) : '—');
    const speedUp = (e: Timing) => (Number.isFinite(e.wall) ? `${(solo.wall / e.wall).toFixed(2)}× (CPU ${(solo.cpu / e.cpu).toFixed(2)}×)` : '—');
    rows.push([String(width), String(members), rate(solo.wall / members), rate(perMember.wall), rate(stacked.wall), speedUp(perMember), speedUp(stacked)]);
  }
}
const native = backend.native.kernels.includes('BatchMatMul') ? `native BatchMatMul (${backend.native.library})` : `no native BatchMatMul (${backend.native.reason}): stacked products run on plain wasm`;
const described = stackable ? 'cic-width FCNN (784 → 16·w ReLU → 10)' : `zoo ${net} on ${shape.join('×')} images (members as their own models; no stacked layout)`;
console.log(`${described}, batch ${batchSize}, Adam, ${steps} steps per member, a per-sample plugin per member, wasm 1 thread, ${native}; best of ${rounds} rounds`);
console.log(markdownTable(['w', 'S', 'solo run: samples/s', 'per-member ensemble: samples/s per member', 'stacked ensemble: samples/s per member', 'speed-up, per-member', 'speed-up, stacked'], rows));
process.exit(0);
