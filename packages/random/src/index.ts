export { createRandom, permutation, SeededMathRandom } from './mulberry32.js';
export { hashInts, hashSeeded, hashString } from './hash.js';
export { xoshiro128ss, type RandomStream } from './xoshiro128.js';
export { xorshift32 } from './xorshift32.js';
