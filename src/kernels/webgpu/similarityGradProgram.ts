// Backward of the fused losses, IN PLACE: turns the forward's similarity buffer S (the kernel's
// private saved output, never handed to the caller) into G = s·∂L/∂x (x = s·S), so the loss never
// holds more than one N×N buffer. The caller then forms ∂L/∂u = G·v and ∂L/∂v = Gᵀ·u.
//   'clip'   ∂L/∂x_ij = g/(2N)·(P_ij + Q_ij − 2δ_ij), P = row softmax, Q = column softmax, from the
//            statistics (S_ii, ρ_i) of SimilarityStatsProgram: off the diagonal
//            P_ij = exp(s(S_ij − S_ii) − softplus(ρ_i^row)), Q_ij = exp(s(S_ij − S_jj) − softplus(ρ_j^col));
//            on it −σ(ρ_i^row) − σ(ρ_i^col), the exact value of (P_ii − 1) + (Q_ii − 1) without cancellation.
//   'siglip' ∂L/∂x_ij = g/N · (−z_ij·σ(−z_ij·(x_ij + b))).
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { STABLE_MATH_WGSL } from './stableMath';
import type { FusedLossMode } from './similarityStatsProgram';

const THREADS = 256;

export class SimilarityGradProgram implements WebGPUProgram {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly shaderKey: string;
  readonly dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [THREADS, 1, 1];

  constructor(private readonly mode: FusedLossMode, n: number) {
    this.variableNames = mode === 'clip' ? ['T', 'R', 'C', 'Dy'] : ['T', 'Bias', 'Dy'];
    this.outputShape = [n, n];
    // Flat; tfjs folds a count above the per-dimension limit into 2-D and getGlobalIndex() follows.
    this.dispatch = [Math.ceil((n * n) / THREADS), 1, 1];
    this.shaderKey = `clipLabSimilarityGrad_${mode}_${THREADS}`;
  }

  getUserCode(): string {
    const clip = this.mode === 'clip';
    return /* wgsl */ `
      ${STABLE_MATH_WGSL}

      fn main(index: i32) {
        let n = uniforms.outShape.x;
        if (index >= n * n) { return; }
        let row = index / n;
        let col = index - row * n;
        let sim = result[index];
        let s = exp(T[0]);
        ${clip ? `
        var g = 0.0;
        if (row == col) {
          g = -(sigmoidStable(R[n + row]) + sigmoidStable(C[n + col]));
        } else {
          g = exp(s * (sim - R[row]) - softplusStable(R[n + row])) + exp(s * (sim - C[col]) - softplusStable(C[n + col]));
        }
        result[index] = Dy[0] * s / f32(2 * n) * g;` : `
        let z = select(-1.0, 1.0, row == col);
        let g = -z * sigmoidStable(-z * (s * sim + Bias[0]));
        result[index] = Dy[0] * s / f32(n) * g;`}
      }
    `;
  }
}
