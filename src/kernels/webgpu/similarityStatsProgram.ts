// Forward statistics of the fused losses: one memory pass over the similarity S = u·vᵀ (a row or
// a column sweep), with online log-sum-exp, and nothing written back but O(N) numbers.
// A workgroup of 16×16 invocations owns 16 rows (or columns); each invocation sweeps every 16th
// element of its row with coalesced reads (consecutive invocations read consecutive addresses in
// both sweeps), then the 16 lanes of a row are combined in shared memory. Output [3, N]:
//
//   'clip'   (methods.md §1), s = exp(T). Every logit is taken relative to the row's positive,
//            y_rj = s·(S_rj − S_rr), as in clipLossComposed, so nothing of size s·|S| is subtracted:
//            out[0, r] = S_rr                                (the positive)
//            out[1, r] = ρ_r = lse_{j≠r} y_rj                (−3e38 when N = 1: no negatives)
//            out[2, r] = Σ_j (P_rj − δ_rj)·s·S_rj = σ(ρ_r)·E_{P|j≠r}[y_r·]   (the row's share of ∂L/∂t)
//            where P is the row's softmax. The row's loss term is softplus(ρ_r),
//            P_rj = exp(y_rj − softplus(ρ_r)) and 1 − P_rr = σ(ρ_r): all accurate to relative precision
//            when training has saturated (no 1 − P_rr cancellation). Run once along rows (image→text)
//            and once along columns (text→image, ρ^col_j = lse_{i≠j} s(S_ij − S_jj)).
//   'siglip' (methods.md §2), rows only; l_rj = s·S_rj + b, z = +1 on the diagonal, −1 off,
//            h_rj = −z·σ(−z·l_rj) = ∂softplus(−z·l)/∂l:
//            out[0, r] = Σ_j softplus(−z_rj·l_rj),  out[1, r] = Σ_j h_rj·s·S_rj,  out[2, r] = Σ_j h_rj
//            (rows 1 and 2 give ∂L/∂t and ∂L/∂b term by term, rather than through u·∂L/∂u, which
//            cancels badly in float32).
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { STABLE_MATH_WGSL, NEG_SENTINEL } from './stableMath';

export type FusedLossMode = 'clip' | 'siglip';
export type SweepAxis = 'row' | 'col';

/** Workgroup side: 16×16 = 256 invocations, the most SwiftShader (and WebGPU's default limit) allows. */
const LANES = 16;

export class SimilarityStatsProgram implements WebGPUProgram {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly shaderKey: string;
  readonly dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [LANES, LANES, 1];

  constructor(
    private readonly mode: FusedLossMode,
    private readonly axis: SweepAxis,
    n: number,
  ) {
    if (mode === 'siglip' && axis === 'col') throw new Error('SigLIP statistics are row sums only');
    this.variableNames = mode === 'clip' ? ['S', 'T'] : ['S', 'T', 'Bias'];
    this.outputShape = [3, n];
    this.dispatch = [Math.ceil(n / LANES), 1, 1];
    this.shaderKey = `clipLabSimilarityStats_${mode}_${axis}_${LANES}`;
  }

  getUserCode(): string {
    const clip = this.mode === 'clip';
    const row = this.axis === 'row';
    // own: the row (or column) this invocation accumulates; sweep lane: its position along it.
    const ownLane = row ? 'ly' : 'lx';
    const sweepLane = row ? 'lx' : 'ly';
    const at = (own: string, w: string) => (row ? `S[${own} * n + ${w}]` : `S[${w} * n + ${own}]`);
    return /* wgsl */ `
      ${STABLE_MATH_WGSL}
      var<workgroup> redA: array<array<f32, ${LANES}>, ${LANES}>;
      var<workgroup> redB: array<array<f32, ${LANES}>, ${LANES}>;
      var<workgroup> redC: array<array<f32, ${LANES}>, ${LANES}>;

      fn main(index: i32) {
        let n = uniforms.sShape.x;
        let lx = i32(localId.x);
        let ly = i32(localId.y);
        let own = i32(workgroupId.x) * ${LANES} + ${ownLane};
        let s = exp(T[0]);
        ${clip ? `
        var pos = 0.0;
        if (own < n) { pos = ${at('own', 'own')}; }
        var m = ${NEG_SENTINEL};  // running max of the off-diagonal y seen by this invocation
        var l = 0.0;              // running Σ exp(y − m) over the same
        var a = 0.0;              // running Σ exp(y − m)·y over the same` : `
        let b = Bias[0];
        var a = 0.0;
        var hx = 0.0;
        var h = 0.0;`}
        if (own < n) {
          for (var w = ${sweepLane}; w < n; w += ${LANES}) {
            let sim = ${at('own', 'w')};
            ${clip ? `
            if (w != own) {
              let y = s * (sim - pos);
              if (y > m) {
                let r = exp(m - y);
                l = l * r + 1.0;
                a = a * r + y;
                m = y;
              } else {
                let e = exp(y - m);
                l = l + e;
                a = a + e * y;
              }
            }` : `
            let x = s * sim;
            let z = select(-1.0, 1.0, w == own);
            let g = -z * sigmoidStable(-z * (x + b));
            a = a + softplusStable(-z * (x + b));
            hx = hx + g * x;
            h = h + g;`}
          }
        }
        ${clip ? `
        redA[${ownLane}][${sweepLane}] = m;
        redB[${ownLane}][${sweepLane}] = l;
        redC[${ownLane}][${sweepLane}] = a;` : `
        redA[${ownLane}][${sweepLane}] = a;
        redB[${ownLane}][${sweepLane}] = hx;
        redC[${ownLane}][${sweepLane}] = h;`}
        workgroupBarrier();
        if (${sweepLane} == 0 && own < n) {
          let o = ${ownLane};
          ${clip ? `
          var mm = ${NEG_SENTINEL};
          for (var k = 0; k < ${LANES}; k++) { mm = max(mm, redA[o][k]); }
          var ll = 0.0;
          var aa = 0.0;
          for (var k = 0; k < ${LANES}; k++) {
            let wk = exp(redA[o][k] - mm);
            ll = ll + redB[o][k] * wk;
            aa = aa + redC[o][k] * wk;
          }
          var rho = ${NEG_SENTINEL};
          var tShare = 0.0;
          if (ll > 0.0) {
            rho = mm + log(ll);
            tShare = sigmoidStable(rho) * (aa / ll);
          }
          result[own] = pos;
          result[n + own] = rho;
          result[2 * n + own] = tShare;` : `
          var sa = 0.0;
          var shx = 0.0;
          var sh = 0.0;
          for (var k = 0; k < ${LANES}; k++) {
            sa = sa + redA[o][k];
            shx = shx + redB[o][k];
            sh = sh + redC[o][k];
          }
          result[own] = sa;
          result[n + own] = shx;
          result[2 * n + own] = sh;`}
        }
      }
    `;
  }
}
