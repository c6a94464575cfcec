// Backward pass of the fused losses: the upstream-scaled gradient with respect to the similarity,
// G = s·∂L/∂x (x = s·S), written once as the only N×N buffer of the loss; the caller then forms
// ∂L/∂u = G·v, ∂L/∂v = Gᵀ·u, ∂L/∂t = Σ u⊙(G·v) (since ∂x/∂t = x), and for SigLIP ∂L/∂b = ΣG / s.
// S is recomputed tile by tile from u and v (TILE×TILE block per workgroup), never read from memory.
//   'clip'   ∂L/∂x_ij = g/(2N)·(P_ij + Q_ij − 2δ_ij), P = row softmax, Q = column softmax, from the
//            row statistics (S_ii, ρ_i) of RowReduceProgram: off the diagonal
//            P_ij = exp(s(S_ij − S_ii) − softplus(ρ_i^row)), Q_ij = exp(s(S_ij − S_jj) − softplus(ρ_j^col));
//            on it −σ(ρ_i^row) − σ(ρ_i^col), the exact value of (P_ii − 1) + (Q_ii − 1) without cancellation.
//   'siglip' ∂L/∂x_ij = g/N · (−z_ij·σ(−z_ij·(x_ij + b))).
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { TILE, TILED_DOT_WGSL } from './tiledDot';
import { STABLE_MATH_WGSL } from './stableMath';
import type { FusedLossMode } from './rowReduceProgram';

export class GradMatrixProgram implements WebGPUProgram {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly shaderKey: string;
  readonly dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [TILE, TILE, 1];

  constructor(private readonly mode: FusedLossMode, n: number) {
    this.variableNames = mode === 'clip' ? ['A', 'B', 'T', 'R', 'C', 'Dy'] : ['A', 'B', 'T', 'Bias', 'Dy'];
    this.outputShape = [n, n];
    const tiles = Math.ceil(n / TILE);
    this.dispatch = [tiles, tiles, 1];
    this.shaderKey = `clipLabGradMatrix_${mode}_${TILE}`;
  }

  getUserCode(): string {
    const clip = this.mode === 'clip';
    return /* wgsl */ `
      ${TILED_DOT_WGSL}
      ${STABLE_MATH_WGSL}

      fn main(index: i32) {
        let n = uniforms.aShape.x;
        let d = uniforms.aShape.y;
        let lx = i32(localId.x);
        let ly = i32(localId.y);
        let rowBase = i32(workgroupId.y) * ${TILE};
        let colBase = i32(workgroupId.x) * ${TILE};
        let dot = tiledDot(rowBase, colBase, ly, lx, n, d);
        let row = rowBase + ly;
        let col = colBase + lx;
        if (row < n && col < n) {
          let s = exp(T[0]);
          ${clip ? `
          var g = 0.0;
          if (row == col) {
            g = -(sigmoidStable(R[n + row]) + sigmoidStable(C[n + col]));
          } else {
            g = exp(s * (dot - R[row]) - softplusStable(R[n + row])) + exp(s * (dot - C[col]) - softplusStable(C[n + col]));
          }
          result[row * n + col] = Dy[0] * s / f32(2 * n) * g;` : `
          let z = select(-1.0, 1.0, row == col);
          let g = -z * sigmoidStable(-z * (s * dot + Bias[0]));
          result[row * n + col] = Dy[0] * s / f32(n) * g;`}
        }
      }
    `;
  }
}
