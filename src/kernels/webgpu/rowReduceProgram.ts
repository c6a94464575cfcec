// Forward pass of the fused losses, one pass over the rows of S = A·Bᵀ without materialising S.
// A workgroup owns TILE rows and sweeps all column tiles, keeping per-invocation running
// statistics, then reduces the TILE lanes of each row in shared memory. Output [3, N]:
//
//   'clip'   (methods.md §1), x_rj = s·S_rj, s = exp(T), P = the row's softmax. Every logit is taken
//            relative to the row's positive, y_rj = s·(S_rj − S_rr), as in clipLossComposed, so that
//            nothing of size s·|S| is ever subtracted (a 1e-5 relative error in a saturated loss otherwise):
//            out[0, r] = S_rr                                (the positive, from its own dot product)
//            out[1, r] = ρ_r = lse_{j≠r} y_rj                (−3e38 when N = 1: no negatives)
//            out[2, r] = Σ_j (P_rj − δ_rj)·x_rj = σ(ρ_r)·E_{P|j≠r}[y_r·]   (the row's share of ∂L/∂t)
//            The row's loss term is softplus(ρ_r), P_rj = exp(y_rj − softplus(ρ_r)) and 1 − P_rr = σ(ρ_r):
//            all accurate to relative precision when training has saturated (no 1 − P_rr cancellation).
//            Run with (A, B) = (u, v) for image→text rows and (v, u) for text→image (columns of S).
//   'siglip' (methods.md §2), l_rj = x_rj + b, z = +1 on the diagonal, −1 off, h_rj = −z·σ(−z·l_rj) = ∂softplus(−z·l)/∂l:
//            out[0, r] = Σ_j softplus(−z_rj·l_rj),  out[1, r] = Σ_j h_rj·x_rj,  out[2, r] = Σ_j h_rj
//            (rows 1 and 2 give ∂L/∂t and ∂L/∂b directly, summed term by term rather than through
//            u·∂L/∂u, which cancels badly in float32).
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { NEG_SENTINEL, TILE, TILED_DOT_WGSL } from './tiledDot';
import { STABLE_MATH_WGSL } from './stableMath';

export type FusedLossMode = 'clip' | 'siglip';

export class RowReduceProgram implements WebGPUProgram {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly shaderKey: string;
  readonly dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [TILE, TILE, 1];

  constructor(private readonly mode: FusedLossMode, n: number) {
    this.variableNames = mode === 'clip' ? ['A', 'B', 'T'] : ['A', 'B', 'T', 'Bias'];
    this.outputShape = [3, n];
    this.dispatch = [Math.ceil(n / TILE), 1, 1];
    this.shaderKey = `clipLabRowReduce_${mode}_${TILE}`;
  }

  getUserCode(): string {
    const clip = this.mode === 'clip';
    return /* wgsl */ `
      ${TILED_DOT_WGSL}
      ${STABLE_MATH_WGSL}
      var<workgroup> redA: array<array<f32, ${TILE}>, ${TILE}>;
      var<workgroup> redB: array<array<f32, ${TILE}>, ${TILE}>;
      var<workgroup> redC: array<array<f32, ${TILE}>, ${TILE}>;
      var<workgroup> positive: array<f32, ${TILE}>;

      fn main(index: i32) {
        let n = uniforms.aShape.x;
        let d = uniforms.aShape.y;
        let lx = i32(localId.x);
        let ly = i32(localId.y);
        let rowBase = i32(workgroupId.x) * ${TILE};
        let row = rowBase + ly;
        let s = exp(T[0]);
        ${clip ? `
        // The positive S_rr first: lane-strided partial dot products, summed per row in shared memory.
        var p = 0.0;
        if (row < n) {
          for (var k = lx; k < d; k += ${TILE}) { p = fma(A[row * d + k], B[row * d + k], p); }
        }
        redA[ly][lx] = p;
        workgroupBarrier();
        if (lx == 0) {
          var sum = 0.0;
          for (var k = 0; k < ${TILE}; k++) { sum = sum + redA[ly][k]; }
          positive[ly] = sum;
        }
        workgroupBarrier();
        let sRR = positive[ly];
        var m = ${NEG_SENTINEL};    // running max of the off-diagonal y_rj seen by this lane
        var l = 0.0;                // running Σ exp(y_rj − m) over the same
        var a = 0.0;                // running Σ exp(y_rj − m)·y_rj over the same` : `
        let b = Bias[0];
        var acc = 0.0;
        var accHx = 0.0;
        var accH = 0.0;`}
        for (var colBase = 0; colBase < n; colBase += ${TILE}) {
          let dot = tiledDot(rowBase, colBase, ly, lx, n, d);
          let col = colBase + lx;
          if (row < n && col < n) {
            ${clip ? `
            let y = s * (dot - sRR);
            if (col == row) {
              // the positive: y_rr = 0 by definition, not part of the off-diagonal statistics
            } else if (y > m) {
              let r = exp(m - y);
              l = l * r + 1.0;
              a = a * r + y;
              m = y;
            } else {
              let e = exp(y - m);
              l = l + e;
              a = a + e * y;
            }` : `
            let x = s * dot;
            let z = select(-1.0, 1.0, col == row);
            let h = -z * sigmoidStable(-z * (x + b));
            acc = acc + softplusStable(-z * (x + b));
            accHx = accHx + h * x;
            accH = accH + h;`}
          }
        }
        ${clip ? `
        redA[ly][lx] = m;
        redB[ly][lx] = l;
        redC[ly][lx] = a;
        workgroupBarrier();
        if (lx == 0 && row < n) {
          var mm = ${NEG_SENTINEL};
          for (var k = 0; k < ${TILE}; k++) { mm = max(mm, redA[ly][k]); }
          var ll = 0.0;
          var aa = 0.0;
          for (var k = 0; k < ${TILE}; k++) {
            let w = exp(redA[ly][k] - mm);
            ll = ll + redB[ly][k] * w;
            aa = aa + redC[ly][k] * w;
          }
          var rho = ${NEG_SENTINEL};
          var tShare = 0.0;
          if (ll > 0.0) {
            rho = mm + log(ll);
            tShare = sigmoidStable(rho) * (aa / ll);
          }
          result[row] = sRR;
          result[n + row] = rho;
          result[2 * n + row] = tShare;
        }` : `
        redA[ly][lx] = acc;
        redB[ly][lx] = accHx;
        redC[ly][lx] = accH;
        workgroupBarrier();
        if (lx == 0 && row < n) {
          var sum = 0.0;
          var sumHx = 0.0;
          var sumH = 0.0;
          for (var k = 0; k < ${TILE}; k++) {
            sum = sum + redA[ly][k];
            sumHx = sumHx + redB[ly][k];
            sumH = sumH + redC[ly][k];
          }
          result[row] = sum;
          result[n + row] = sumHx;
          result[2 * n + row] = sumH;
        }`}
      }
    `;
  }
}
