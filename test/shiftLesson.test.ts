// The shift lesson: the minimum of the contrastive loss over the shift δ moves with the scale as
// Liang et al. state (high scale: at the trained gap; scale 1: with the gap nearly closed), on the
// sphere lesson's configuration at its s = 100 optimum; shifts keep unit rows; zero-shot and
// recall against hand-made cases.
import { describe, expect, it } from 'vitest';
import { shiftAlongGap, shiftSweep } from '../src/lab/shiftLesson';
import { spherePairs, symmetricInfoNce } from '../src/lab/sphereLesson';

describe('shift along the gap', () => {
  const { u, v, n } = spherePairs(77.5);
  const sweep = shiftSweep(u, v, n, 3, { scales: [100, 5, 1], deltas: Array.from({ length: 121 }, (_, k) => -0.6 + k * 0.02) });

  it('δ = 0 is the unshifted embedding: the same loss, the same gap', () => {
    const k = sweep.deltas.findIndex((x) => Math.abs(x) < 1e-9);
    expect(sweep.loss[0]![k]!).toBeCloseTo(symmetricInfoNce(u, v, n, 3, 100), 12);
    expect(sweep.gapAfter[k]!).toBeCloseTo(sweep.gap, 12);
  });

  it('the loss minimum sits at the trained gap at s = 100 and moves toward a closed gap as s falls', () => {
    const [at100, at5, at1] = sweep.minimumDelta as [number, number, number];
    expect(Math.abs(at100)).toBeLessThanOrEqual(0.02 + 1e-9);
    expect(at5).toBeGreaterThan(at100);
    expect(at1).toBeGreaterThan(0.8 * sweep.gap);
    // where s = 1 is lowest, little gap is left
    const k1 = sweep.deltas.indexOf(at1);
    expect(sweep.gapAfter[k1]!).toBeLessThan(0.25 * sweep.gap);
  });

  it('shifted rows stay unit vectors and δ ≈ ‖Δ‖ (nearly) closes the gap', () => {
    const s = shiftAlongGap(u, v, n, 3, sweep.gap);
    for (let i = 0; i < n; i++) {
      expect(Math.hypot(s.u[3 * i]!, s.u[3 * i + 1]!, s.u[3 * i + 2]!)).toBeCloseTo(1, 12);
      expect(Math.hypot(s.v[3 * i]!, s.v[3 * i + 1]!, s.v[3 * i + 2]!)).toBeCloseTo(1, 12);
    }
    expect(s.gapAfter).toBeLessThan(0.2 * s.gapBefore);
  });

  it('zero-shot accuracy and recall@1 on a hand-made set', () => {
    // two pairs: images e1, e2; captions e1, e2; classes w0 = e1, w1 = e2; labels 0, 1 → all right
    const uu = [1, 0, 0, 1];
    const vv = [1, 0, 0, 1];
    const r = shiftSweep(uu, vv, 2, 2, { scales: [1], deltas: [0], classVectors: [1, 0, 0, 1], labels: [0, 1] });
    expect(r.zeroShot[0]).toBe(1);
    expect(r.recallI2T[0]).toBe(1);
    expect(r.recallT2I[0]).toBe(1);
    // captions swapped: recall 0 both ways; labels swapped: zero-shot 0; unlabelled rows are skipped
    const sw = shiftSweep(uu, [0, 1, 1, 0], 2, 2, { scales: [1], deltas: [0], classVectors: [1, 0, 0, 1], labels: [1, -1] });
    expect(sw.recallI2T[0]).toBe(0);
    expect(sw.recallT2I[0]).toBe(0);
    expect(sw.zeroShot[0]).toBe(0);
    expect(Number.isNaN(shiftSweep(uu, vv, 2, 2, { scales: [1], deltas: [0] }).zeroShot[0])).toBe(true);
  });
});
