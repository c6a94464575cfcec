// WGSL shared by the fused contrastive-loss programs: one TILE×TILE block of the similarity
// S = A·Bᵀ per workgroup step, computed from shared-memory tiles of A's and B's rows, so each
// element of A and B is read from global memory once per TILE outputs instead of once per output.
// Nothing N×N is ever written by this snippet: callers consume S tile by tile.

/** Workgroup side: TILE×TILE = 256 invocations, the most SwiftShader (and the WebGPU default limit) allows. */
export const TILE = 16;

/**
 * `tiledDot(rowBase, colBase, ly, lx, n, d)` returns S[rowBase+ly, colBase+lx] = A[rowBase+ly]·B[colBase+lx]
 * (0 outside the N×N range) for the calling invocation (ly = localId.y, lx = localId.x). It holds
 * workgroup barriers: every invocation of the workgroup must call it, from uniform control flow.
 * Expects storage arrays `A` and `B` ([n, d], row-major) declared by the tfjs program prelude.
 */
export const TILED_DOT_WGSL = /* wgsl */ `
  var<workgroup> tileA: array<array<f32, ${TILE}>, ${TILE}>;
  var<workgroup> tileB: array<array<f32, ${TILE}>, ${TILE}>;

  fn tiledDot(rowBase: i32, colBase: i32, ly: i32, lx: i32, n: i32, d: i32) -> f32 {
    var acc = 0.0;
    for (var k0 = 0; k0 < d; k0 += ${TILE}) {
      let k = k0 + lx;
      let ra = rowBase + ly;
      let rb = colBase + ly;
      var a = 0.0;
      var b = 0.0;
      if (ra < n && k < d) { a = A[ra * d + k]; }
      if (rb < n && k < d) { b = B[rb * d + k]; }
      tileA[ly][lx] = a;
      tileB[ly][lx] = b;
      workgroupBarrier();
      for (var kk = 0; kk < ${TILE}; kk++) {
        acc = fma(tileA[ly][kk], tileB[lx][kk], acc);
      }
      workgroupBarrier();
    }
    return acc;
  }
`;

/** "No value yet" for running maxima: finite, so no inf arithmetic is ever needed in WGSL. */
export const NEG_SENTINEL = '-3.0e38';
