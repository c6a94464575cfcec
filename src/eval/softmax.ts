// Softmax in float64, shared by the linear probe, the zero-shot scores and the sphere lesson.

/** Row-wise softmax in place (max-subtracted): n rows of c values. */
export function softmaxRows(z: Float64Array, n: number, c: number): Float64Array {
  for (let i = 0; i < n; i++) {
    let mx = -Infinity;
    for (let k = 0; k < c; k++) mx = Math.max(mx, z[i * c + k]!);
    let sum = 0;
    for (let k = 0; k < c; k++) sum += z[i * c + k] = Math.exp(z[i * c + k]! - mx);
    for (let k = 0; k < c; k++) z[i * c + k]! /= sum;
  }
  return z;
}
