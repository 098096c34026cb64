/*
 * The wasm SIMD128 arithmetic limit of one core, measured the way a GEMM's inner loop computes:
 * acc += x·k over f32x4 lanes, the multiply off the accumulator's dependency chain (wasm SIMD has no
 * fused multiply-add without the relaxed-SIMD proposal, so a multiply and an add per 4 lanes).
 * 8 accumulators and 4 multiplicands hide the add latency and fit x86's 16 vector registers; the
 * values grow linearly, so no denormal slows a lane.
 */

/** The slice of the WebAssembly JS API used here (the repository's TS lib has no DOM/wasm types). */
const { WebAssembly } = globalThis as unknown as { WebAssembly: { instantiate(bytes: Uint8Array): Promise<{ instance: { exports: Record<string, unknown> } }> } };

const ACCUMULATORS = 8;
const MULTIPLICANDS = 4;
/** Flops one loop turn does: per accumulator a 4-lane multiply and a 4-lane add. */
export const FLOPS_PER_TURN = ACCUMULATORS * 4 * 2;

const uleb = (value: number): number[] => {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
  return out;
};
const f32 = (v: number) => [0x43, ...new Uint8Array(new Float32Array([v]).buffer)];
const simd = (code: number) => [0xfd, ...uleb(code)];
const [localGet, localSet, splat, mul, add, extractLane] = [(i: number) => [0x20, ...uleb(i)], (i: number) => [0x21, ...uleb(i)], simd(0x13), simd(0xe6), simd(0xe4), simd(0x1f)];

/** (func (param $turns i32) (result f32)): runs `turns` loop turns and returns a lane of the sum, so no engine can drop the work. */
function peakModule(): Uint8Array {
  const turns = 0;
  const acc = (k: number) => 1 + k;
  const multiplicand = (k: number) => 1 + ACCUMULATORS + k;
  const scale = 1 + ACCUMULATORS + MULTIPLICANDS;
  const body = [
    ...f32(0.999), ...splat, ...localSet(scale),
    ...Array.from({ length: ACCUMULATORS }, (_, k) => [...f32(k), ...splat, ...localSet(acc(k))]).flat(),
    ...Array.from({ length: MULTIPLICANDS }, (_, k) => [...f32(0.5 * k), ...splat, ...localSet(multiplicand(k))]).flat(),
    0x03, 0x40, // loop
    ...Array.from({ length: ACCUMULATORS }, (_, k) => [...localGet(acc(k)), ...localGet(multiplicand(k % MULTIPLICANDS)), ...localGet(scale), ...mul, ...add, ...localSet(acc(k))]).flat(),
    ...localGet(turns), 0x41, 0x01, 0x6b, 0x22, ...uleb(turns), // turns = turns - 1 (tee)
    0x0d, 0x00, // br_if 0
    0x0b, // end loop
    ...localGet(acc(0)),
    ...Array.from({ length: ACCUMULATORS - 1 }, (_, k) => [...localGet(acc(k + 1)), ...add]).flat(),
    ...extractLane, 0x00,
    0x0b,
  ];
  const locals = [0x01, ...uleb(ACCUMULATORS + MULTIPLICANDS + 1), 0x7b];
  const code = [...uleb(locals.length + body.length), ...locals, ...body];
  const section = (id: number, bytes: number[]) => [id, ...uleb(bytes.length), ...bytes];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x01, 0x7f, 0x01, 0x7d]),
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, 0x04, ...new TextEncoder().encode('peak'), 0x00, 0x00]),
    ...section(10, [0x01, ...code]),
  ]);
}

/** GFLOP/s of the SIMD multiply-add loop on this thread: the best of `rounds` timed calls of at least `seconds` each (short calls, so that on a shared machine some run undisturbed). */
export async function simdPeakGflops(seconds = 0.03, rounds = 20): Promise<number> {
  const { instance } = await WebAssembly.instantiate(peakModule());
  const peak = instance.exports.peak as (turns: number) => number;
  const timed = (turns: number) => {
    const start = performance.now();
    peak(turns);
    return (performance.now() - start) / 1000;
  };
  let turns = 1_000_000;
  while (timed(turns) < seconds) turns *= 2;
  let best = 0;
  for (let r = 0; r < rounds; r++) best = Math.max(best, (turns * FLOPS_PER_TURN) / timed(turns) / 1e9);
  return best;
}
