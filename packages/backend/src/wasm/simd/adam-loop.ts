import { I32, op, V128, type FunctionBuilder } from './assembler.js';
import { simdFunction } from './simd-function.js';

/** The order of the splatted float32 coefficient vectors that `adamStep` reads at `coefficients`. */
export const ADAM_COEFFICIENTS = ['beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'rootCorrection2', 'epsilon', 'stepSize', 'coupledDecay', 'keep'] as const;

const coefficient = (f: FunctionBuilder, name: (typeof ADAM_COEFFICIENTS)[number]): number[] => [...f.get('coefficients'), ...op.v128Load(16 * ADAM_COEFFICIENTS.indexOf(name))];
const at = (f: FunctionBuilder, p: string): number[] => [...f.get(p), ...f.get('o'), ...op.i32Add];
const load = (f: FunctionBuilder, p: string): number[] => [...at(f, p), ...op.v128Load()];

/**
 * Adam/AdamW over `bytes` (a multiple of 16) of one variable, in the per-op order of tfjs's update
 * so every lane rounds as those float32 ops do:
 *   g′ = g + w·coupledDecay;  m′ = m·β1 + g′·(1−β1);  v′ = v·β2 + (g′·g′)·(1−β2)
 *   w′ = w·keep − (m′ / (√v′ / rootCorrection2 + ε))·stepSize
 * With coupledDecay 0 and keep 1 this is plain Adam (w·0 adds nothing to a finite g; w·1 is w).
 */
export const adamStep = simdFunction({
  name: 'adamStep',
  params: ['w', 'g', 'm', 'v', 'wOut', 'mOut', 'vOut', 'coefficients', 'bytes'],
  locals: [
    ['o', I32],
    ['weight', V128],
    ['grad', V128],
    ['moment1', V128],
    ['moment2', V128],
  ],
  body: (f) => [
    f.forLoop('o', op.i32(0), f.get('bytes'), 16, [
      [...load(f, 'w'), ...f.set('weight')],
      [...load(f, 'g'), ...f.get('weight'), ...coefficient(f, 'coupledDecay'), ...op.f32x4Mul, ...op.f32x4Add, ...f.set('grad')],
      [...at(f, 'mOut'), ...load(f, 'm'), ...coefficient(f, 'beta1'), ...op.f32x4Mul, ...f.get('grad'), ...coefficient(f, 'oneMinusBeta1'), ...op.f32x4Mul, ...op.f32x4Add],
      [...f.tee('moment1'), ...op.v128Store()],
      [...at(f, 'vOut'), ...load(f, 'v'), ...coefficient(f, 'beta2'), ...op.f32x4Mul, ...f.get('grad'), ...f.get('grad'), ...op.f32x4Mul, ...coefficient(f, 'oneMinusBeta2'), ...op.f32x4Mul, ...op.f32x4Add],
      [...f.tee('moment2'), ...op.v128Store()],
      [...at(f, 'wOut'), ...f.get('weight'), ...coefficient(f, 'keep'), ...op.f32x4Mul],
      [...f.get('moment1'), ...f.get('moment2'), ...op.f32x4Sqrt, ...coefficient(f, 'rootCorrection2'), ...op.f32x4Div, ...coefficient(f, 'epsilon'), ...op.f32x4Add, ...op.f32x4Div],
      [...coefficient(f, 'stepSize'), ...op.f32x4Mul, ...op.f32x4Sub, ...op.v128Store()],
    ]),
  ],
});
