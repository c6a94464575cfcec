// Training-time augmentation on stored raw RGB images: a random square crop whose area
// is a fraction in [lo, hi] of the image (aspect ratio 1), resized back to S×S with
// bilinear sampling, fused with the (x/255 − mean)/std normalisation. No horizontal flip:
// captions speak of left and right. Pure and deterministic: the random numbers come in
// as arguments (the reader draws them from its seeded schedule).

export type ScaleRange = readonly [number, number];

/** A square crop in source pixel coordinates (floats): top-left corner and side. */
export interface CropRect {
  x: number;
  y: number;
  side: number;
}

/**
 * The crop for uniforms uScale, uX, uY in [0, 1): area fraction lo + (hi − lo)·uScale,
 * side S·√area, corner uniform over the positions that keep the crop inside the image.
 * Scale range [1, 1] gives the whole image for any uniforms.
 */
export function randomCropRect(S: number, [lo, hi]: ScaleRange, uScale: number, uX: number, uY: number): CropRect {
  if (!(lo > 0 && lo <= hi && hi <= 1)) throw new RangeError(`crop scale range must satisfy 0 < lo ≤ hi ≤ 1, got [${lo}, ${hi}]`);
  const area = lo + (hi - lo) * uScale;
  const side = Math.min(S, S * Math.sqrt(area));
  return { x: uX * (S - side), y: uY * (S - side), side };
}

/** Per output coordinate (outS of them) over a source axis of inS pixels: the two source indices and the weight of the second. */
function axis(inS: number, outS: number, start: number, side: number): { i0: Int32Array; i1: Int32Array; f: Float32Array } {
  const i0 = new Int32Array(outS);
  const i1 = new Int32Array(outS);
  const f = new Float32Array(outS);
  const step = side / outS;
  for (let o = 0; o < outS; o++) {
    const s = Math.min(Math.max(start + (o + 0.5) * step - 0.5, 0), inS - 1); // half-pixel centres
    const a = Math.floor(s);
    i0[o] = a;
    i1[o] = Math.min(a + 1, inS - 1);
    f[o] = s - a;
  }
  return { i0, i1, f };
}

/**
 * Crop `rect` out of the S×S RGB image at `src[srcOffset…]`, resize it to outS×outS (bilinear;
 * outS = S for augmentation, the model's size when a dataset stores another) and write
 * v·scale[c] + bias[c] for every channel value v (0..255, interpolated) into `out` at `outOffset`.
 * With scale = 1/(255·std), bias = −mean/std this is the model's normalisation.
 */
export function cropResizeInto(
  src: Uint8Array,
  srcOffset: number,
  S: number,
  rect: CropRect,
  out: Float32Array,
  outOffset: number,
  scale: readonly number[],
  bias: readonly number[],
  outS = S,
): void {
  const ax = axis(S, outS, rect.x, rect.side);
  const ay = axis(S, outS, rect.y, rect.side);
  for (let oy = 0; oy < outS; oy++) {
    const r0 = srcOffset + ay.i0[oy] * S * 3;
    const r1 = srcOffset + ay.i1[oy] * S * 3;
    const fy = ay.f[oy];
    for (let ox = 0; ox < outS; ox++) {
      const c0 = ax.i0[ox] * 3;
      const c1 = ax.i1[ox] * 3;
      const fx = ax.f[ox];
      const o = outOffset + (oy * outS + ox) * 3;
      for (let c = 0; c < 3; c++) {
        const top = src[r0 + c0 + c] + (src[r0 + c1 + c] - src[r0 + c0 + c]) * fx;
        const bot = src[r1 + c0 + c] + (src[r1 + c1 + c] - src[r1 + c0 + c]) * fx;
        out[o + c] = (top + (bot - top) * fy) * scale[c] + bias[c];
      }
    }
  }
}

/** The same crop as raw RGB bytes (rounded), outS×outS: previews, a stored image at a model's size, tests. */
export function cropResizeRgb(src: Uint8Array, S: number, rect: CropRect, outS = S): Uint8Array {
  const tmp = new Float32Array(outS * outS * 3);
  cropResizeInto(src, 0, S, rect, tmp, 0, [1, 1, 1], [0, 0, 0], outS);
  const out = new Uint8Array(tmp.length);
  for (let i = 0; i < tmp.length; i++) out[i] = Math.min(255, Math.max(0, Math.round(tmp[i])));
  return out;
}
