// Export of a stored dataset as one WebDataset tar (img2dataset layout): per pair
// `<key>.png` (the stored S×S image), `<key>.txt` (the first caption) and `<key>.json`
// ({"captions": [...all captions], "key": original key, "split": "train" | "val"}).
// Keys are made safe for WebDataset (the key ends at the first '.' of the basename)
// and unique. Built as a Blob from parts, so nothing is copied into one big buffer.
// The PNG encoder is injected (OffscreenCanvas in the worker; a stub in tests).
import { TAR_END, tarFileParts } from '../formats/tarWriter';
import type { Split } from './types';

export interface ExportPair {
  key: string;
  split: Split;
  /** size·size·3 RGB bytes. */
  rgb: Uint8Array;
  size: number;
  captions: string[];
}

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
    const png = await encodePng(p.rgb, p.size);
    const json = JSON.stringify({ captions: p.captions, key: p.key, split: p.split });
    for (const [name, bytes] of [
      [`${key}.png`, png],
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
