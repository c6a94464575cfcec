// Worker-only: encoded image bytes → size×size raw RGB (centre crop to a square, then
// resize), and for imports the image as kept (its bytes, or resized to a short side). The header is sniffed first so that non-images and huge images are refused
// without decoding; decoding uses createImageBitmap, and the crop + resize is done by a
// second createImageBitmap with resize options, so the only canvas is size×size (for the
// pixel read-back). Transparent images are composited on white.
import { MAX_IMAGE_PIXELS, sniffImage, type ImageInfo } from '../formats/imageHeader';
import { ImportError } from '../import/types';
import type { KeepImages, KeptImage } from '../store/types';

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

/** Sniffs and decodes (EXIF orientation honoured); refuses non-images and huge images by their header. */
async function decodeBitmap(bytes: Uint8Array, file: string): Promise<{ bitmap: ImageBitmap; header: ImageInfo }> {
  const header = sniffImage(bytes);
  if (!header) throw new ImportError(file, 'not an image (no JPEG, PNG, WebP, GIF or BMP header)');
  const { width, height } = header;
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new ImportError(file, `image is ${width}×${height}, over the ${megapixels(MAX_IMAGE_PIXELS)}-megapixel limit`);
  }
  try {
    const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]));
    if (bitmap.width < 1 || bitmap.height < 1) {
      bitmap.close();
      throw new ImportError(file, 'image has no pixels');
    }
    return { bitmap, header };
  } catch (e) {
    if (e instanceof ImportError) throw e;
    throw new ImportError(file, `corrupt or unsupported image: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The centred square of a decoded image, resized to size×size RGB (composited on white). */
async function squareRgb(full: ImageBitmap, size: number): Promise<Uint8Array> {
  // Crop from the decoded (oriented) size, not the header's.
  const [sx, sy, side] = centreSquare(full.width, full.height);
  const small = await createImageBitmap(full, sx, sy, side, side, { resizeWidth: size, resizeHeight: size, resizeQuality: 'high' });
  try {
    const c = context(size);
    c.fillStyle = '#fff'; // opaque: also clears the previous image
    c.fillRect(0, 0, size, size);
    c.drawImage(small, 0, 0);
    return rgbaToRgb(c.getImageData(0, 0, size, size).data, size * size);
  } finally {
    small.close();
  }
}

/** Width and height of a w×h image whose short side becomes `shortSide` (aspect ratio kept). */
export function shortSideSize(w: number, h: number, shortSide: number): [number, number] {
  const k = shortSide / Math.min(w, h);
  return [Math.max(1, Math.round(w * k)), Math.max(1, Math.round(h * k))];
}

/** JPEG quality of a kept image re-encoded at a smaller size. */
const KEPT_JPEG_QUALITY = 0.92;

/**
 * The image as kept (KeepImages): the file's own bytes when asked, or when its short side is at
 * most `shortSide` already; otherwise the whole image resized to that short side and re-encoded —
 * JPEG (quality 0.92) and WebP sources as themselves, lossless formats as PNG.
 */
async function keptImage(bytes: Uint8Array, header: ImageInfo, full: ImageBitmap, keep: KeepImages, file: string): Promise<KeptImage> {
  if (keep.kind === 'original' || Math.min(full.width, full.height) <= keep.shortSide) {
    return { bytes, format: header.format, width: header.width, height: header.height };
  }
  const [w, h] = shortSideSize(full.width, full.height, keep.shortSide);
  const lossy = header.format === 'jpeg' || header.format === 'webp';
  const small = await createImageBitmap(full, { resizeWidth: w, resizeHeight: h, resizeQuality: 'high' });
  try {
    const c = new OffscreenCanvas(w, h);
    const g = c.getContext('2d') as OffscreenCanvasRenderingContext2D | null;
    if (!g) throw new Error('OffscreenCanvas 2D context is not available in this browser');
    if (header.format === 'jpeg') {
      g.fillStyle = '#fff'; // JPEG has no alpha
      g.fillRect(0, 0, w, h);
    }
    g.drawImage(small, 0, 0);
    const type = lossy ? `image/${header.format}` : 'image/png';
    const out = new Uint8Array(await (await c.convertToBlob({ type, ...(lossy ? { quality: KEPT_JPEG_QUALITY } : {}) })).arrayBuffer());
    const info = sniffImage(out);
    if (!info) throw new ImportError(file, `the browser could not re-encode the image as ${type}`);
    return { bytes: out, format: info.format, width: info.width, height: info.height };
  } finally {
    small.close();
  }
}

export async function decodeToRgb(bytes: Uint8Array, size: number, file: string): Promise<Uint8Array> {
  const { bitmap } = await decodeBitmap(bytes, file);
  try {
    return await squareRgb(bitmap, size);
  } finally {
    bitmap.close();
  }
}

/** An import's decode: the size×size training pixels and, when asked, the image as kept. */
export async function decodeForStore(bytes: Uint8Array, size: number, file: string, keep?: KeepImages): Promise<{ rgb: Uint8Array; kept?: KeptImage }> {
  const { bitmap, header } = await decodeBitmap(bytes, file);
  try {
    const rgb = await squareRgb(bitmap, size);
    return keep ? { rgb, kept: await keptImage(bytes, header, bitmap, keep, file) } : { rgb };
  } finally {
    bitmap.close();
  }
}
