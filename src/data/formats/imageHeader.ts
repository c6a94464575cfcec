// Image format and dimensions from the header bytes alone, so that the import job
// can refuse a decompression bomb (say 20000×20000) before decoding it, and skip
// files that are not images at all. References: PNG spec (IHDR), JPEG ITU T.81
// (SOFn markers, B.1.1.3), WebP container spec (VP8 / VP8L / VP8X chunks), GIF89a
// (logical screen descriptor), BMP (BITMAPCOREHEADER / BITMAPINFOHEADER).

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'bmp';

export interface ImageInfo {
  format: ImageFormat;
  width: number;
  height: number;
}

/** The import job refuses images with more pixels than this (8000×8000). */
export const MAX_IMAGE_PIXELS = 64e6;

const u16be = (b: Uint8Array, o: number): number => (b[o] << 8) | b[o + 1];
const u16le = (b: Uint8Array, o: number): number => b[o] | (b[o + 1] << 8);
const u24le = (b: Uint8Array, o: number): number => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
const u32be = (b: Uint8Array, o: number): number => ((b[o] << 24) >>> 0) + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]);
const u32le = (b: Uint8Array, o: number): number => ((b[o + 3] << 24) >>> 0) + ((b[o + 2] << 16) | (b[o + 1] << 8) | b[o]);
const i32le = (b: Uint8Array, o: number): number => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
const ascii = (b: Uint8Array, o: number, n: number): string =>
  o + n <= b.length ? String.fromCharCode(...b.subarray(o, o + n)) : '';

function result(format: ImageFormat, width: number, height: number): ImageInfo | null {
  return width > 0 && height > 0 ? { format, width, height } : null;
}

function png(b: Uint8Array): ImageInfo | null {
  // signature (8) | IHDR length (4) | "IHDR" | width u32 | height u32
  if (b.length < 24 || ascii(b, 12, 4) !== 'IHDR') return null;
  return result('png', u32be(b, 16), u32be(b, 20));
}

function gif(b: Uint8Array): ImageInfo | null {
  if (b.length < 10) return null;
  return result('gif', u16le(b, 6), u16le(b, 8));
}

function bmp(b: Uint8Array): ImageInfo | null {
  if (b.length < 26) return null;
  const dib = u32le(b, 14);
  if (dib === 12) return result('bmp', u16le(b, 18), u16le(b, 20)); // OS/2 BITMAPCOREHEADER
  if (![16, 40, 52, 56, 64, 108, 124].includes(dib)) return null;
  return result('bmp', Math.abs(i32le(b, 18)), Math.abs(i32le(b, 22))); // negative height: top-down
}

function webp(b: Uint8Array): ImageInfo | null {
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8X') {
    if (b.length < 30) return null;
    return result('webp', u24le(b, 24) + 1, u24le(b, 27) + 1);
  }
  if (chunk === 'VP8 ') {
    // frame tag (3) then start code 9d 01 2a, then 14-bit width and height (2 scale bits each)
    if (b.length < 30 || b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return null;
    return result('webp', u16le(b, 26) & 0x3fff, u16le(b, 28) & 0x3fff);
  }
  if (chunk === 'VP8L') {
    // signature 0x2f, then width-1 (14 bits) and height-1 (14 bits), little-endian bit order
    if (b.length < 25 || b[20] !== 0x2f) return null;
    const bits = u32le(b, 21);
    return result('webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  return null;
}

/** Start-of-frame markers: C0–CF except C4 (DHT), C8 (JPG extension) and CC (DAC). */
const isSof = (m: number): boolean => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

function jpeg(b: Uint8Array): ImageInfo | null {
  let p = 2;
  while (p < b.length) {
    if (b[p] !== 0xff) return null; // lost sync: not a marker where one must be
    while (p < b.length && b[p] === 0xff) p++; // fill bytes
    if (p >= b.length) return null;
    const m = b[p++];
    if (m === 0xd8 || m === 0x01 || (m >= 0xd0 && m <= 0xd7)) continue; // markers without a length
    if (m === 0xd9 || m === 0xda) return null; // end of image / start of scan before any frame header
    if (p + 2 > b.length) return null;
    const len = u16be(b, p);
    if (len < 2) return null;
    if (isSof(m)) {
      if (p + 7 > b.length || len < 8) return null;
      return result('jpeg', u16be(b, p + 5), u16be(b, p + 3)); // precision, height, width
    }
    p += len;
  }
  return null;
}

/** Format and size from the header bytes, or null for non-images and unreadable headers. */
export function sniffImage(bytes: Uint8Array): ImageInfo | null {
  const b = bytes;
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 7) === 'PNG\r\n\x1a\n') return png(b);
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return jpeg(b);
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return webp(b);
  const g = ascii(b, 0, 6);
  if (g === 'GIF87a' || g === 'GIF89a') return gif(b);
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return bmp(b);
  return null;
}
