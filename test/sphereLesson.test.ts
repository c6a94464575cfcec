// The sphere lesson (src/lab/sphereLesson.ts) reproduces Liang et al.'s figure: at s = 100 the loss
// is lowest near |Δθ| ≈ 78° (≈ 0.81) against ≈ 2.01 at Δθ = 0; at s = 5 and 1, and without the
// mismatch, the minimum is at 0. The InfoNCE itself is checked by hand on two pairs.
import { describe, expect, it } from 'vitest';
import { sphereLoss, sphereLossCurve, spherePairs, symmetricInfoNce } from '../src/lab/sphereLesson';

describe('sphere lesson', () => {
  it('the pairs are unit vectors, the images on the equator, the texts at latitude Δθ', () => {
    const { u, v, n } = spherePairs(30);
    for (let i = 0; i < n; i++) {
      expect(Math.hypot(u[i * 3]!, u[i * 3 + 1]!, u[i * 3 + 2]!)).toBeCloseTo(1, 14);
      expect(Math.hypot(v[i * 3]!, v[i * 3 + 1]!, v[i * 3 + 2]!)).toBeCloseTo(1, 14);
      expect(u[i * 3 + 2]).toBe(0);
      expect(Math.asin(v[i * 3 + 2]!)).toBeCloseTo(Math.PI / 6, 14);
    }
    // text 0 sits at image 1's azimuth (0°), text 1 at image 0's (−20°)
    expect(Math.atan2(v[1]!, v[0]!)).toBeCloseTo(0, 14);
    expect(Math.atan2(v[4]!, v[3]!)).toBeCloseTo((-20 * Math.PI) / 180, 14);
  });

  it('symmetric InfoNCE by hand: two orthogonal pairs at s = 1', () => {
    // logits [[1, 0], [0, 1]] both ways: −log(e / (e + 1))
    expect(symmetricInfoNce([1, 0, 0, 1], [1, 0, 0, 1], 2, 2, 1)).toBeCloseTo(Math.log(1 + Math.exp(-1)), 14);
    // swapped texts: −log(1 / (e + 1))
    expect(symmetricInfoNce([1, 0, 0, 1], [0, 1, 1, 0], 2, 2, 1)).toBeCloseTo(Math.log(1 + Math.E), 14);
  });

  it('s = 100: the minimum within 3° of |Δθ| = 78°, losses within 0.02 of 0.81 and 2.01', () => {
    const c = sphereLossCurve(100);
    expect(Math.abs(Math.abs(c.minimumDeg) - 78)).toBeLessThanOrEqual(3);
    expect(Math.abs(c.minimumLoss - 0.81)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(sphereLoss(0, 100) - 2.01)).toBeLessThanOrEqual(0.02);
    // the figure is symmetric in the sign of Δθ
    expect(sphereLoss(-c.minimumDeg, 100)).toBeCloseTo(c.minimumLoss, 12);
  });

  it('s = 5 and s = 1, and no mismatch at any scale: the minimum is at Δθ = 0', () => {
    for (const s of [5, 1]) expect(sphereLossCurve(s).minimumDeg).toBe(0);
    for (const s of [100, 5, 1]) expect(sphereLossCurve(s, false).minimumDeg).toBe(0);
  });
});
