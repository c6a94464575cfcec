// Final reduction of the fused losses to the scalar, in one workgroup (tree sum in shared memory):
//   'clip'   L = (1/2N) Σ_i [softplus(ρ_i^row) + softplus(ρ_i^col)]   from the two [3, N] row statistics
//   'siglip' L = (1/N) Σ_i rowLoss_i                                  from the [3, N] row statistics
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { FusedLossMode } from './similarityStatsProgram';
import { STABLE_MATH_WGSL } from './stableMath';

const THREADS = 256;

export class LossReduceProgram implements WebGPUProgram {
  readonly variableNames: string[];
  readonly outputShape: number[] = [];
  readonly shaderKey: string;
  readonly dispatchLayout = { x: [] as number[] };
  dispatch: [number, number, number] = [1, 1, 1];
  readonly workgroupSize: [number, number, number] = [THREADS, 1, 1];

  constructor(private readonly mode: FusedLossMode) {
    this.variableNames = mode === 'clip' ? ['R', 'C'] : ['R'];
    this.shaderKey = `clipLabLossReduce_${mode}_${THREADS}`;
  }

  getUserCode(): string {
    const clip = this.mode === 'clip';
    return /* wgsl */ `
      ${STABLE_MATH_WGSL}
      var<workgroup> part: array<f32, ${THREADS}>;

      fn main(index: i32) {
        let li = i32(localIndex);
        let n = uniforms.rShape.y;
        var acc = 0.0;
        for (var i = li; i < n; i += ${THREADS}) {
          ${clip ? 'acc = acc + softplusStable(R[n + i]) + softplusStable(C[n + i]);' : 'acc = acc + R[i];'}
        }
        part[li] = acc;
        workgroupBarrier();
        for (var stride = ${THREADS / 2}; stride > 0; stride = stride / 2) {
          if (li < stride) { part[li] = part[li] + part[li + stride]; }
          workgroupBarrier();
        }
        if (li == 0) {
          result[0] = part[0] / f32(${clip ? '2 * n' : 'n'});
        }
      }
    `;
  }
}
