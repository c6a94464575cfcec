// Worker-only: encoded image bytes → size×size raw RGB (centre crop to a square, then
// resize). The header is sniffed first so that non-images and huge images are refused
// without decoding; decoding uses createImageBitmap, and the crop + resize is done by a
// second createImageBitmap with resize options, so the only canvas is size×size (for the
// pixel read-back). Transparent images are composited on white.
import { MAX_IMAGE_PIXELS, sniffImage } from '../formats/imageHeader';
import { ImportError } from '../import/types';

let canvas: OffscreenCanvas | null = null;
let ctx: OffscreenCanvasRenderingContext2D | null = null;

function context(size: number): OffscreenCanvasRenderingContext2D {
  if (!canvas || canvas.width !== size || canvas.height !== size) {
    canvas = new OffscreenCanvas(size, size);
    ctx = canvas.getContext('2d', { willReadFrequently: true, alpha: true }) as OffscreenCanvasRenderingContext2D | null;
    if (!ctx) throw new Error('OffscreenCanvas 2D context is not available in this browser');
  }
  return ctx!;
}

/** The centred square of a w×h image: [sx, sy, side]. */
export function centreSquare(w: number, h: number): [number, number, number] {
  const side = Math.min(w, h);
  return [Math.floor((w - side) / 2), Math.floor((h - side) / 2), side];
}

/** RGBA (canvas read-back) → packed RGB. */
export function rgbaToRgb(rgba: Uint8ClampedArray | Uint8Array, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  for (let p = 0, o = 0; p < pixels; p++, o += 3) {
    out[o] = rgba[p * 4];
    out[o + 1] = rgba[p * 4 + 1];
    out[o + 2] = rgba[p * 4 + 2];
  }
  return out;
}

function megapixels(n: number): string {
  const mp = n / 1e6;
  return Number.isInteger(mp) ? String(mp) : mp.toFixed(1);
}

export async function decodeToRgb(bytes: Uint8Array, size: number, file: string): Promise<Uint8Array> {
  const header = sniffImage(bytes);
  if (!header) throw new ImportError(file, 'not an image (no JPEG, PNG, WebP, GIF or BMP header)');
  const { width, height } = header;
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new ImportError(file, `image is ${width}×${height}, over the ${megapixels(MAX_IMAGE_PIXELS)}-megapixel limit`);
  }
  let full: ImageBitmap | null = null;
  let small: ImageBitmap | null = null;
  try {
    try {
      // Decoding honours EXIF orientation, so crop from the decoded (oriented) size, not the header's.
      full = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]));
    } catch (e) {
      throw new ImportError(file, `corrupt or unsupported image: ${e instanceof Error ? e.message : String(e)}`);
    }
    const [sx, sy, side] = centreSquare(full.width, full.height);
    if (side < 1) throw new ImportError(file, 'image has no pixels');
    small = await createImageBitmap(full, sx, sy, side, side, { resizeWidth: size, resizeHeight: size, resizeQuality: 'high' });
    full.close();
    full = null;
    const c = context(size);
    c.fillStyle = '#fff'; // opaque: also clears the previous image
    c.fillRect(0, 0, size, size);
    c.drawImage(small, 0, 0);
    return rgbaToRgb(c.getImageData(0, 0, size, size).data, size * size);
  } finally {
    full?.close();
    small?.close();
  }
}
