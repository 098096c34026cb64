/**
 * A user constraint for another system, the README's worked example: the energy balance of a
 * counter-flow heat exchanger. Inputs per sample [C_h, T_h,in, C_c, T_c,in] (heat-capacity rates
 * ṁc_p in W/K, temperatures in K); predictions [T_h,out, T_c,out].
 *
 * - First law: the heat the hot stream gives up is the heat the cold stream takes,
 *   C_h (T_h,in − T_h,out) = C_c (T_c,out − T_c,in); residual divided by the largest possible duty
 *   C_min (T_h,in − T_c,in), so it is dimensionless.
 * - Second law: neither outlet can cross the other inlet, T_c,out ≤ T_h,in and T_h,out ≥ T_c,in;
 *   an inequality, so a hinge.
 */
import * as tf from '@tensorflow/tfjs-core';
import { constraintFromFunction, hinge, squaredResidual } from '@mgdl/constraints';

export const heatExchangerBalance = constraintFromFunction('heat-exchanger', (inputs, predictions) => {
  const [hotRate, hotIn, coldRate, coldIn] = tf.unstack(inputs, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const [hotOut, coldOut] = tf.unstack(predictions, 1) as [tf.Tensor, tf.Tensor];
  const span = tf.sub(hotIn, coldIn);
  const maxDuty = tf.mul(tf.minimum(hotRate, coldRate), span);
  const firstLaw = tf.div(tf.sub(tf.mul(hotRate, tf.sub(hotIn, hotOut)), tf.mul(coldRate, tf.sub(coldOut, coldIn))), maxDuty);
  const secondLaw = tf.add(hinge(tf.div(tf.sub(coldOut, hotIn), span)), hinge(tf.div(tf.sub(coldIn, hotOut), span)));
  return tf.add(squaredResidual(firstLaw), secondLaw);
});

/** Outlet temperatures by the ε-NTU method for counter flow (Incropera et al., Fundamentals of Heat and Mass Transfer, ch. 11). */
export function counterFlowOutlets(hotRate: number, hotIn: number, coldRate: number, coldIn: number, ua: number): [number, number] {
  const cMin = Math.min(hotRate, coldRate);
  const ratio = cMin / Math.max(hotRate, coldRate);
  const ntu = ua / cMin;
  const effectiveness = ratio === 1 ? ntu / (1 + ntu) : (1 - Math.exp(-ntu * (1 - ratio))) / (1 - ratio * Math.exp(-ntu * (1 - ratio)));
  const duty = effectiveness * cMin * (hotIn - coldIn);
  return [hotIn - duty / hotRate, coldIn + duty / coldRate];
}
