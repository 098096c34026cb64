import { createRandom } from '@mgdl/random';

/**
 * A seeded, learnable 32×32×3 ten-class image task for the demo run (real datasets arrive with
 * @mgdl/datasets): class c is a grating of its own orientation, frequency and colour, each sample
 * with a random phase and Gaussian pixel noise, so a classifier must learn translation-tolerant
 * filters rather than memorise pixels.
 */
export interface SyntheticImages {
  x: Float32Array;
  labels: Int32Array;
  count: number;
  shape: [number, number, number];
  classes: number;
}

export function syntheticGratings(count: number, seed: number, noise = 0.8): SyntheticImages {
  const size = 32;
  const classes = 10;
  const random = createRandom(seed);
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const palette = createRandom(12345); // class colours are the same for every split
  const colours = Array.from({ length: classes }, () => [palette(), palette(), palette()].map((v) => 0.4 + v));
  const x = new Float32Array(count * size * size * 3);
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const c = Math.floor(random() * classes);
    labels[n] = c;
    const angle = (Math.PI * (c % 5)) / 5;
    const frequency = c < 5 ? 2 : 4;
    const phase = 2 * Math.PI * random();
    const [cx, cy] = [Math.cos(angle), Math.sin(angle)];
    for (let h = 0, i = n * size * size * 3; h < size; h++) {
      for (let w = 0; w < size; w++) {
        const wave = Math.sin((2 * Math.PI * frequency * (h * cx + w * cy)) / size + phase);
        for (let ch = 0; ch < 3; ch++, i++) x[i] = colours[c]![ch]! * wave + noise * gaussian();
      }
    }
  }
  return { x, labels, count, shape: [size, size, 3], classes };
}
