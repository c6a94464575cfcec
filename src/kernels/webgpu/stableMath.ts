// WGSL math shared by the fused-loss programs, written for WGSL's accuracy rules: `log` is only
// required to be within 2^-21 ABSOLUTE error on [0.5, 2], so log(1 + e) for small e loses all
// relative precision (a saturated loss term softplus(−20) ≈ 2e-9 would come out as 0). log1p is
// therefore a short series, never a log near 1.

export const STABLE_MATH_WGSL = /* wgsl */ `
  // log(1 + e) for 0 ≤ e ≤ 1: 2·atanh(w) with w = e/(2 + e) ≤ 1/3, series to w^19 (error < 1e-10).
  fn log1pUnit(e: f32) -> f32 {
    let w = e / (2.0 + e);
    let w2 = w * w;
    var p = 1.0 / 19.0;
    p = fma(p, w2, 1.0 / 17.0);
    p = fma(p, w2, 1.0 / 15.0);
    p = fma(p, w2, 1.0 / 13.0);
    p = fma(p, w2, 1.0 / 11.0);
    p = fma(p, w2, 1.0 / 9.0);
    p = fma(p, w2, 1.0 / 7.0);
    p = fma(p, w2, 1.0 / 5.0);
    p = fma(p, w2, 1.0 / 3.0);
    p = fma(p, w2, 1.0);
    return 2.0 * w * p;
  }

  // softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^−|x|): never overflows, relative precision for
  // x ≪ 0, and 0 at the "no negatives" sentinel −3e38.
  fn softplusStable(x: f32) -> f32 {
    return max(x, 0.0) + log1pUnit(exp(-abs(x)));
  }

  // σ(x) = 1 / (1 + e^−x) without overflow on either side.
  fn sigmoidStable(x: f32) -> f32 {
    if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
    let e = exp(x);
    return e / (1.0 + e);
  }
`;

/** "No value yet" for running maxima: finite, so no inf arithmetic is ever needed in WGSL. */
export const NEG_SENTINEL = '-3.0e38';
