import { describe, expect, test } from 'vitest';
import { MAX_IMAGE_PIXELS, sniffImage } from '../src/data/formats/imageHeader';

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const be16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
const le16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];
const be32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const le32 = (v: number): number[] => be32(v).reverse();
const le24 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff];

function png(w: number, h: number): Uint8Array {
  return new Uint8Array([
    0x89, ...ascii('PNG\r\n\x1a\n'), ...be32(13), ...ascii('IHDR'), ...be32(w), ...be32(h),
    8, 2, 0, 0, 0, 0, 0, 0, 0, // bit depth, colour type, compression, filter, interlace, CRC
  ]);
}

function jpeg(w: number, h: number, sof = 0xc0): Uint8Array {
  const app0 = [0xff, 0xe0, ...be16(16), ...ascii('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0];
  // An APP1 segment whose payload contains bytes that look like a SOF0 marker: must be skipped by length.
  const fakeSof = [0xff, 0xc0, 0, 17, 8, ...be16(1), ...be16(1)];
  const app1 = [0xff, 0xe1, ...be16(2 + fakeSof.length + 4), ...fakeSof, 0, 0, 0, 0];
  const dqt = [0xff, 0xdb, ...be16(67), 0, ...new Array(64).fill(1)];
  const dht = [0xff, 0xc4, ...be16(2 + 17 + 1), 0x00, ...new Array(16).fill(0), 0]; // C4 is not a SOF
  const frame = [0xff, sof, ...be16(17), 8, ...be16(h), ...be16(w), 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
  return new Uint8Array([0xff, 0xd8, ...app0, ...app1, 0xff, 0xff, ...dqt, ...dht, ...frame, 0xff, 0xda, 0, 8]);
}

function riff(chunk: string, payload: number[]): Uint8Array {
  const size = 4 + 8 + payload.length;
  return new Uint8Array([...ascii('RIFF'), ...le32(size), ...ascii('WEBP'), ...ascii(chunk), ...le32(payload.length), ...payload]);
}

// frame tag (3 bytes, key frame), start code 9d 01 2a, 14-bit width and height
const webpLossy = (w: number, h: number): Uint8Array =>
  riff('VP8 ', [0x30, 0x01, 0x00, 0x9d, 0x01, 0x2a, ...le16(w), ...le16(h), 0, 0]);
const webpLossless = (w: number, h: number): Uint8Array => {
  const bits = (w - 1) | ((h - 1) << 14); // 28 bits; alpha and version bits zero
  return riff('VP8L', [0x2f, ...le32(bits >>> 0), 0, 0]);
};
const webpExtended = (w: number, h: number): Uint8Array => riff('VP8X', [0x10, 0, 0, 0, ...le24(w - 1), ...le24(h - 1)]);

const gif = (w: number, h: number, v = '89a'): Uint8Array => new Uint8Array([...ascii(`GIF${v}`), ...le16(w), ...le16(h), 0xf7, 0, 0]);

function bmp(w: number, h: number): Uint8Array {
  return new Uint8Array([
    ...ascii('BM'), ...le32(54 + 4), 0, 0, 0, 0, ...le32(54),
    ...le32(40), ...le32(w), ...le32(h), ...le16(1), ...le16(24), ...le32(0), ...le32(4), ...le32(2835), ...le32(2835), ...le32(0), ...le32(0),
    0, 0, 0, 0,
  ]);
}

describe('sniffImage', () => {
  test('PNG', () => expect(sniffImage(png(640, 480))).toEqual({ format: 'png', width: 640, height: 480 }));

  test('a 20000×20000 PNG header: dimensions from 33 bytes, above the limit', () => {
    const h = png(20000, 20000);
    expect(h.length).toBeLessThan(64);
    const info = sniffImage(h)!;
    expect(info).toEqual({ format: 'png', width: 20000, height: 20000 });
    expect(info.width * info.height).toBeGreaterThan(MAX_IMAGE_PIXELS);
    expect(sniffImage(png(0xffffffff, 3))?.width).toBe(0xffffffff); // unsigned
  });

  test('JPEG: SOF found past APPn/DQT/DHT segments and fill bytes; baseline and progressive', () => {
    expect(sniffImage(jpeg(1024, 768))).toEqual({ format: 'jpeg', width: 1024, height: 768 });
    expect(sniffImage(jpeg(300, 200, 0xc2))).toEqual({ format: 'jpeg', width: 300, height: 200 });
  });

  test('JPEG without a frame header before the scan, or cut short, is unreadable', () => {
    const noFrame = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xda, 0, 8]);
    expect(sniffImage(noFrame)).toBeNull();
    const full = jpeg(10, 10);
    expect(sniffImage(full.slice(0, full.length - 30))).toBeNull();
  });

  test('WebP lossy, lossless and extended', () => {
    expect(sniffImage(webpLossy(320, 240))).toEqual({ format: 'webp', width: 320, height: 240 });
    expect(sniffImage(webpLossless(16383, 1))).toEqual({ format: 'webp', width: 16383, height: 1 });
    expect(sniffImage(webpLossless(500, 700))).toEqual({ format: 'webp', width: 500, height: 700 });
    expect(sniffImage(webpExtended(20000, 30000))).toEqual({ format: 'webp', width: 20000, height: 30000 });
  });

  test('GIF87a and GIF89a', () => {
    expect(sniffImage(gif(32, 16))).toEqual({ format: 'gif', width: 32, height: 16 });
    expect(sniffImage(gif(1, 2, '87a'))).toEqual({ format: 'gif', width: 1, height: 2 });
  });

  test('BMP, including top-down (negative height)', () => {
    expect(sniffImage(bmp(2, 2))).toEqual({ format: 'bmp', width: 2, height: 2 });
    expect(sniffImage(bmp(100, -50))).toEqual({ format: 'bmp', width: 100, height: 50 });
  });

  test('non-images and unreadable headers give null', () => {
    const enc = new TextEncoder();
    expect(sniffImage(new Uint8Array(0))).toBeNull();
    expect(sniffImage(enc.encode('a red square'))).toBeNull();
    expect(sniffImage(enc.encode('BM but just text that starts like a bitmap'))).toBeNull();
    expect(sniffImage(png(640, 480).slice(0, 20))).toBeNull(); // cut before the size
    expect(sniffImage(png(0, 480))).toBeNull(); // zero width
    expect(sniffImage(riff('VP8 ', [0, 0, 0, 1, 2, 3, 0, 0, 0, 0]))).toBeNull(); // bad start code
    expect(sniffImage(riff('ABCD', new Array(20).fill(0)))).toBeNull();
  });
});
