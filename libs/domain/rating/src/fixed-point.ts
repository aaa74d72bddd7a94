/**
 * Exact decimal money without binary floating point in sums: amounts are integer sen (1/100 yen),
 * factors are exact to 4 decimals (integer ten-thousandths), every product is rounded half-up to
 * the sen. Same inputs, same steps, same yen, on every machine, forever.
 */
export const SEN_PER_YEN = 100;
const FACTOR_SCALE = 10_000;

export const toFactor4 = (x: number): number => Math.round(x * FACTOR_SCALE) / FACTOR_SCALE;

export function yenToSen(yen: number): number {
  return Math.round(yen * SEN_PER_YEN);
}

export function multiplySen(sen: number, factor: number): number {
  return Math.round((sen * Math.round(factor * FACTOR_SCALE)) / FACTOR_SCALE);
}

export function divideSen(sen: number, divisor: number): number {
  return Math.round((sen * FACTOR_SCALE) / Math.round(divisor * FACTOR_SCALE));
}

export const senToYen = (sen: number): number => sen / SEN_PER_YEN;

/** Rounds up to a multiple of `step` yen: the premium's only rounding to whole yen. */
export function roundUpSenToYen(sen: number, step: number): number {
  const stepSen = step * SEN_PER_YEN;
  return (Math.ceil(sen / stepSen) * stepSen) / SEN_PER_YEN;
}
