// Linear warm-up then cosine to minLr, at hand-computed steps.
import { describe, expect, it } from 'vitest';
import { lrAt } from '../src/train/schedule';

describe('lrAt', () => {
  const s = { peakLr: 1e-3, minLr: 1e-5, warmupSteps: 10, totalSteps: 110 };
  it('warm-up is linear from peak/W to peak', () => {
    expect(lrAt(0, s)).toBeCloseTo(1e-4, 12);
    expect(lrAt(4, s)).toBeCloseTo(5e-4, 12);
    expect(lrAt(9, s)).toBeCloseTo(1e-3, 12);
  });
  it('cosine: peak at end of warm-up, midpoint halfway, minLr at and after the end', () => {
    expect(lrAt(10, s)).toBeCloseTo(1e-3, 12);
    expect(lrAt(60, s)).toBeCloseTo(1e-5 + 0.5 * (1e-3 - 1e-5), 12); // 5.05e-4
    expect(lrAt(35, s)).toBeCloseTo(1e-5 + 0.5 * (1e-3 - 1e-5) * (1 + Math.SQRT1_2), 12); // p = ¼
    expect(lrAt(110, s)).toBeCloseTo(1e-5, 12);
    expect(lrAt(500, s)).toBeCloseTo(1e-5, 12);
  });
  it('positional form lrAt(step, peak, min, warmup, total) agrees', () => {
    for (const k of [0, 5, 10, 37, 110, 150]) expect(lrAt(k, 1e-3, 1e-5, 10, 110)).toBe(lrAt(k, s));
  });
  it('no warm-up and monotone decay', () => {
    const z = { ...s, warmupSteps: 0 };
    expect(lrAt(0, z)).toBeCloseTo(1e-3, 12);
    for (let k = 1; k < 120; k++) expect(lrAt(k, z)).toBeLessThanOrEqual(lrAt(k - 1, z));
  });
});
