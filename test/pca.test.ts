// symmetricEigen and PCA against PyTorch's torch.linalg.eigh in float64 (test/fixtures/pca), and
// orthogonal Procrustes against a rotation it must recover exactly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitPca, projectPca } from '../src/eval/pca';
import { procrustesRotation, rotateRows } from '../src/eval/procrustes';
import { symmetricEigen } from '../src/eval/symmetricEigen';

const ref = JSON.parse(readFileSync(join(__dirname, 'fixtures/pca/reference.json'), 'utf8')) as {
  n: number;
  d: number;
  a: number[];
  b: number[];
  centred: { values: number[]; vectors: number[]; mean: number[]; proj: number[] };
  uncentred: { values: number[]; vectors: number[] };
};

/** Same axis up to sign: |cos| = 1. */
function expectSameAxis(got: ArrayLike<number>, want: ArrayLike<number>) {
  let dot = 0;
  for (let i = 0; i < want.length; i++) dot += got[i]! * want[i]!;
  expect(Math.abs(dot)).toBeCloseTo(1, 9);
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

describe('symmetricEigen', () => {
  it('diagonalises a hand-made 2×2 matrix', () => {
    // [[2, 1], [1, 2]]: λ = 3 on (1, 1)/√2 and λ = 1 on (1, −1)/√2.
    const e = symmetricEigen([2, 1, 1, 2], 2);
    expect(Array.from(e.values)).toEqual([expect.closeTo(3, 12), expect.closeTo(1, 12)]);
    expectSameAxis([e.vectors[0]!, e.vectors[2]!], [Math.SQRT1_2, Math.SQRT1_2]);
    expectSameAxis([e.vectors[1]!, e.vectors[3]!], [Math.SQRT1_2, -Math.SQRT1_2]);
  });

  it('reconstructs a random symmetric 12×12 matrix: Q Λ Qᵀ = A, QᵀQ = I', () => {
    const d = 12;
    const r = rng(3);
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = i; j < d; j++) a[i * d + j] = a[j * d + i] = r();
    const { values, vectors: q } = symmetricEigen(a, d);
    for (let k = 1; k < d; k++) expect(values[k - 1]!).toBeGreaterThanOrEqual(values[k]!);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        let rec = 0;
        let orth = 0;
        for (let k = 0; k < d; k++) {
          rec += q[i * d + k]! * values[k]! * q[j * d + k]!;
          orth += q[k * d + i]! * q[k * d + j]!;
        }
        expect(rec).toBeCloseTo(a[i * d + j]!, 12);
        expect(orth).toBeCloseTo(i === j ? 1 : 0, 12);
      }
  });
});

describe('PCA vs torch.linalg.eigh (float64)', () => {
  const { d } = ref;
  it('centred: eigenvalues, axes (up to sign), mean and 2-D coordinates', () => {
    const basis = fitPca([ref.a, ref.b], d, d);
    for (let k = 0; k < d; k++) expect(basis.variances[k]!).toBeCloseTo(ref.centred.values[k]!, 12);
    for (let j = 0; j < d; j++) expect(basis.mean[j]!).toBeCloseTo(ref.centred.mean[j]!, 12);
    for (let k = 0; k < 4; k++) expectSameAxis(basis.axes.subarray(k * d, (k + 1) * d), ref.centred.vectors.slice(k * d, (k + 1) * d));
    const two = fitPca([ref.a, ref.b], d, 2);
    const proj = projectPca(two, [...ref.a, ...ref.b]);
    for (let k = 0; k < 2; k++) {
      // each coordinate column equals the reference's up to the axis sign
      const sign = Math.sign(proj[k]! * ref.centred.proj[k]!);
      for (let i = 0; i < 2 * ref.n; i++) expect(proj[i * 2 + k]!).toBeCloseTo(sign * ref.centred.proj[i * 2 + k]!, 5);
    }
    const explained = two.variances[0]! / two.total;
    expect(explained).toBeGreaterThan(0.3); // the two clouds' separation dominates
  });

  it('uncentred (second moment): eigenvalues and axes; projections on the sphere are unit rows', () => {
    const basis = fitPca([ref.a, ref.b], d, 3, false);
    for (let k = 0; k < 3; k++) {
      expect(basis.variances[k]!).toBeCloseTo(ref.uncentred.values[k]!, 12);
      expectSameAxis(basis.axes.subarray(k * d, (k + 1) * d), ref.uncentred.vectors.slice(k * d, (k + 1) * d));
    }
    expect(Array.from(basis.mean).every((m) => m === 0)).toBe(true);
    const s = projectPca(basis, ref.a, true);
    for (let i = 0; i < ref.n; i++) expect(Math.hypot(s[3 * i]!, s[3 * i + 1]!, s[3 * i + 2]!)).toBeCloseTo(1, 6);
  });

  it('a fixed basis projects other points without refitting (axes carry over)', () => {
    const basis = fitPca([ref.a], d, 2);
    const again = projectPca(basis, ref.a.slice(0, d));
    let want0 = 0;
    for (let j = 0; j < d; j++) want0 += (ref.a[j]! - basis.mean[j]!) * basis.axes[j]!;
    expect(again[0]!).toBeCloseTo(want0, 6);
    expect(() => fitPca([ref.a], d, d + 1)).toThrow(/not possible/);
  });
});

describe('orthogonal Procrustes', () => {
  it('recovers a known rotation: R maps V = U Qᵀ back onto U', () => {
    const n = 40;
    const d = 6;
    const r = rng(9);
    const u = Float64Array.from({ length: n * d }, r);
    // a random orthogonal Q from the eigenvectors of a random symmetric matrix
    const s = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = i; j < d; j++) s[i * d + j] = s[j * d + i] = r();
    const q = symmetricEigen(s, d).vectors;
    const qt = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) qt[i * d + j] = q[j * d + i]!;
    const v = rotateRows(u, qt, d);
    const rot = procrustesRotation(v, u, n, d);
    for (let i = 0; i < d * d; i++) expect(rot[i]!).toBeCloseTo(q[i]!, 9);
    const back = rotateRows(v, rot, d);
    for (let i = 0; i < n * d; i++) expect(back[i]!).toBeCloseTo(u[i]!, 9);
  });

  it('stays orthogonal when VᵀU is rank-deficient (fewer points than dimensions)', () => {
    const n = 2;
    const d = 5;
    const r = rng(1);
    const u = Float64Array.from({ length: n * d }, r);
    const v = Float64Array.from({ length: n * d }, r);
    const rot = procrustesRotation(v, u, n, d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += rot[k * d + i]! * rot[k * d + j]!;
        expect(s).toBeCloseTo(i === j ? 1 : 0, 9);
      }
    // and it is no worse than the identity
    const err = (x: Float64Array) => x.reduce((acc, xi, i) => acc + (xi - u[i]!) ** 2, 0);
    expect(err(rotateRows(v, rot, d))).toBeLessThanOrEqual(err(Float64Array.from(v)) + 1e-12);
  });
});
