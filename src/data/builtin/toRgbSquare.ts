// A grayscale image as the square RGB image the model takes (R = G = B): copied into the centre of
// a black frame when it is at most MAX_PAD pixels smaller (Fashion-MNIST's 28 → 32), otherwise
// resampled, separably: bilinear with half-pixel centres up, area average down. Pure TypeScript.

/** Largest padding (total, both sides) toRgbSquare uses instead of resampling. */
export const MAX_PAD = 8;

/**
 * Per output index, the source indices and weights along one axis. Upsampling: bilinear with
 * half-pixel centres. Downsampling: area average (each output pixel averages the source span it
 * covers), which avoids the aliasing bilinear would give.
 */
function axisWeights(src: number, dst: number): { idx: number[]; w: number[] }[] {
  const scale = src / dst;
  const out: { idx: number[]; w: number[] }[] = [];
  for (let d = 0; d < dst; d++) {
    const idx: number[] = [];
    const w: number[] = [];
    if (scale <= 1) {
      const x = Math.min(Math.max((d + 0.5) * scale - 0.5, 0), src - 1);
      const x0 = Math.floor(x);
      const x1 = Math.min(x0 + 1, src - 1);
      const f = x - x0;
      idx.push(x0);
      w.push(1 - f);
      if (f > 0) {
        idx.push(x1);
        w.push(f);
      }
    } else {
      const a = d * scale;
      const b = (d + 1) * scale;
      for (let s = Math.floor(a); s < Math.min(Math.ceil(b), src); s++) {
        const cover = Math.min(b, s + 1) - Math.max(a, s);
        if (cover > 1e-9) {
          idx.push(s);
          w.push(cover / scale);
        }
      }
    }
    out.push({ idx, w });
  }
  return out;
}

/**
 * A side×side grayscale image as an outSize×outSize RGB image (R = G = B, row-major, 3 bytes per
 * pixel). When 0 ≤ outSize − side ≤ MAX_PAD the image is copied unchanged into the centre of a
 * black frame (28 → 32: 2 px each side; an odd padding puts the extra pixel right/bottom);
 * otherwise it is resampled to fill the square (bilinear up, area average down).
 */
export function toRgbSquare(gray: Uint8Array, side: number, outSize: number): Uint8Array {
  if (!Number.isInteger(side) || side < 1) throw new Error(`toRgbSquare: side must be a positive integer, got ${side}`);
  if (!Number.isInteger(outSize) || outSize < 1) throw new Error(`toRgbSquare: outSize must be a positive integer, got ${outSize}`);
  if (gray.length !== side * side) throw new Error(`toRgbSquare: expected ${side * side} pixels, got ${gray.length}`);
  const out = new Uint8Array(outSize * outSize * 3);
  const pad = outSize - side;
  if (pad >= 0 && pad <= MAX_PAD) {
    const off = pad >> 1;
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const v = gray[y * side + x];
        const o = ((y + off) * outSize + (x + off)) * 3;
        out[o] = v;
        out[o + 1] = v;
        out[o + 2] = v;
      }
    }
    return out;
  }
  const wy = axisWeights(side, outSize);
  const wx = axisWeights(side, outSize);
  const row = new Float64Array(outSize * side); // horizontal pass: side rows × outSize columns, transposed
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < outSize; x++) {
      const { idx, w } = wx[x];
      let acc = 0;
      for (let k = 0; k < idx.length; k++) acc += w[k] * gray[y * side + idx[k]];
      row[x * side + y] = acc;
    }
  }
  for (let y = 0; y < outSize; y++) {
    const { idx, w } = wy[y];
    for (let x = 0; x < outSize; x++) {
      let acc = 0;
      for (let k = 0; k < idx.length; k++) acc += w[k] * row[x * side + idx[k]];
      const v = Math.min(255, Math.max(0, Math.round(acc)));
      const o = (y * outSize + x) * 3;
      out[o] = v;
      out[o + 1] = v;
      out[o + 2] = v;
    }
  }
  return out;
}
