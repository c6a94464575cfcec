// Worker-only: raw size×size RGB → PNG bytes through an OffscreenCanvas (export).
let canvas: OffscreenCanvas | null = null;
let ctx: OffscreenCanvasRenderingContext2D | null = null;

export async function encodeRgbPng(rgb: Uint8Array, size: number): Promise<Uint8Array> {
  if (rgb.length !== size * size * 3) throw new Error(`encodeRgbPng: expected ${size * size * 3} bytes, got ${rgb.length}`);
  if (!canvas || canvas.width !== size || canvas.height !== size) {
    canvas = new OffscreenCanvas(size, size);
    ctx = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D | null;
    if (!ctx) throw new Error('OffscreenCanvas 2D context is not available in this browser');
  }
  const img = new ImageData(size, size);
  const d = img.data;
  for (let p = 0, s = 0; p < size * size; p++, s += 3) {
    d[p * 4] = rgb[s];
    d[p * 4 + 1] = rgb[s + 1];
    d[p * 4 + 2] = rgb[s + 2];
    d[p * 4 + 3] = 255;
  }
  ctx!.putImageData(img, 0, 0);
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  return new Uint8Array(await blob.arrayBuffer());
}
