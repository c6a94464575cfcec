// Export of a stored dataset as one WebDataset tar (img2dataset layout): per pair the image —
// its kept bytes unchanged as `<key>.jpg` / `.png` / `.webp` / `.gif` / `.bmp` where the dataset
// keeps images, else `<key>.png` (the stored S×S image) — then `<key>.txt` (the first caption) and `<key>.json`
// ({"captions": [...all captions], "key": original key, "split": "train" | "val"}).
// Keys are made safe for WebDataset (the key ends at the first '.' of the basename)
// and unique. Built as a Blob from parts, so nothing is copied into one big buffer.
// The PNG encoder is injected (OffscreenCanvas in the worker; a stub in tests).
import { TAR_END, tarFileParts } from '../formats/tarWriter';
import type { ImageFormat } from '../formats/imageHeader';
import type { KeptImage, Split } from './types';

export interface ExportPair {
  key: string;
  split: Split;
  /** size·size·3 RGB bytes. */
  rgb: Uint8Array;
  size: number;
  /** The pair's kept image: written as it is instead of a PNG of `rgb`. */
  kept?: KeptImage;
  captions: string[];
}

/** The file extension WebDataset readers expect for each format. */
export const IMAGE_EXTENSION: Record<ImageFormat, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', gif: 'gif', bmp: 'bmp' };

const MAX_KEY_LENGTH = 160;

/**
 * Maps original keys to WebDataset-safe, unique keys: characters other than letters,
 * digits, '_', '-' and '/' become '_' (so "img/dog.jpg" → "img/dog_jpg"), empty, '.' and
 * '..' path segments are dropped, long keys are cut, and a repeat gets "_2", "_3", ….
 */
export class ExportKeys {
  private readonly used = new Set<string>();

  map(key: string): string {
    let k = key
      .split('/')
      .filter((seg) => seg !== '' && seg !== '.' && seg !== '..')
      .map((seg) => seg.replace(/[^A-Za-z0-9_-]/g, '_'))
      .join('/');
    if (k === '') k = 'sample';
    if (k.length > MAX_KEY_LENGTH) k = k.slice(0, MAX_KEY_LENGTH).replace(/\/+$/, '');
    let out = k;
    for (let n = 2; this.used.has(out); n++) out = `${k}_${n}`;
    this.used.add(out);
    return out;
  }
}

const encoder = new TextEncoder();

export async function buildWebDatasetTar(
  pairs: AsyncIterable<ExportPair>,
  encodePng: (rgb: Uint8Array, size: number) => Promise<Uint8Array>,
  onPair: (n: number) => void = () => undefined,
): Promise<Blob> {
  const parts: BlobPart[] = [];
  const keys = new ExportKeys();
  let n = 0;
  for await (const p of pairs) {
    const key = keys.map(p.key);
    const image: [string, Uint8Array] = p.kept ? [`${key}.${IMAGE_EXTENSION[p.kept.format]}`, p.kept.bytes] : [`${key}.png`, await encodePng(p.rgb, p.size)];
    const json = JSON.stringify({ captions: p.captions, key: p.key, split: p.split });
    for (const [name, bytes] of [
      image,
      [`${key}.txt`, encoder.encode(p.captions[0] ?? '')],
      [`${key}.json`, encoder.encode(json)],
    ] as [string, Uint8Array][]) {
      for (const part of tarFileParts(name, bytes)) parts.push(part as Uint8Array<ArrayBuffer>);
    }
    onPair(++n);
  }
  parts.push(TAR_END as Uint8Array<ArrayBuffer>);
  return new Blob(parts, { type: 'application/x-tar' });
}
