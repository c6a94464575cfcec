// Shared helpers of the import / data browser tests: tar and gzip archives built in Node
// (with the app's own tar writer), hand-made PNG headers, and the Data-tab steps every
// test repeats (open the tab, import through the form, read rows and sample pages).
import { deflateSync, gzipSync } from 'node:zlib';
import type { Locator, Page, Worker } from '@playwright/test';
import { readTar } from '../src/data/formats/tarReader';
import { TAR_END, tarFileParts } from '../src/data/formats/tarWriter';
import type { DatasetSummary, ImportFormat, ImportSummary } from '../src/protocol/data';
import { expect } from './fixtures';

// ---------------------------------------------------------------- archives

export interface Member {
  name: string;
  bytes: Uint8Array | string;
}

const asBytes = (b: Uint8Array | string): Uint8Array => (typeof b === 'string' ? new TextEncoder().encode(b) : b);

/** A ustar archive of the members, in order, with the end-of-archive marker. */
export function tar(members: Member[]): Buffer {
  const parts: Uint8Array[] = [];
  for (const m of members) parts.push(...tarFileParts(m.name, asBytes(m.bytes)));
  parts.push(TAR_END);
  return Buffer.concat(parts);
}

/** Byte offset of a member's data inside tar(members) (its header is the 512 bytes before). */
export function memberDataOffset(members: Member[], name: string): number {
  let off = 0;
  for (const m of members) {
    const size = asBytes(m.bytes).length;
    const header = tarFileParts(m.name, asBytes(m.bytes))[0].length;
    if (m.name === name) return off + header;
    off += header + Math.ceil(size / 512) * 512;
  }
  throw new Error(`no member ${name}`);
}

export const gzip = (b: Uint8Array): Buffer => gzipSync(b);

/** WebDataset members key.ext + key.txt for each image. */
export function wdsMembers(pairs: { key: string; image: Uint8Array; ext: string; caption: string; json?: unknown }[]): Member[] {
  const out: Member[] = [];
  for (const p of pairs) {
    out.push({ name: `${p.key}.${p.ext}`, bytes: p.image });
    out.push({ name: `${p.key}.txt`, bytes: p.caption });
    if (p.json !== undefined) out.push({ name: `${p.key}.json`, bytes: JSON.stringify(p.json) });
  }
  return out;
}

// ---------------------------------------------------------------- PNG by hand

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/**
 * A PNG whose IHDR (valid CRC) claims width×height, 8-bit RGB, followed by a tiny IDAT and
 * IEND: a decompression bomb's header. Decoding it would fail (the data is far too short),
 * so a refusal by size proves the header was checked before any decoding.
 */
export function pngWithHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  // compression, filter, interlace: 0
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', gzipSync(Buffer.alloc(64)).subarray(10, 20)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** An 8-bit RGB PNG of S×S raw RGB values (rows unfiltered, zlib-deflated): exact pixels for reference images. */
export function rgbPng(rgb: ArrayLike<number>, S: number): Buffer {
  const row = 1 + S * 3;
  const raw = Buffer.alloc(S * row); // each row: filter byte 0, then its pixels
  for (let y = 0; y < S; y++) for (let x = 0; x < S * 3; x++) raw[y * row + 1 + x] = rgb[y * S * 3 + x]!;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(S, 0);
  ihdr.writeUInt32BE(S, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

/** Solid-colour RGB images encoded by the browser (PNG unless told). */
export async function solidImages(page: Page, colours: string[], size: number, type = 'image/png'): Promise<Buffer[]> {
  const encoded: number[][] = await page.evaluate(
    async ({ colours, size, type }) => {
      const out: number[][] = [];
      for (const colour of colours) {
        const c = new OffscreenCanvas(size, size);
        const g = c.getContext('2d')!;
        g.fillStyle = colour;
        g.fillRect(0, 0, size, size);
        const blob = await c.convertToBlob({ type, quality: 0.9 });
        out.push(Array.from(new Uint8Array(await blob.arrayBuffer())));
      }
      return out;
    },
    { colours, size, type },
  );
  return encoded.map((a) => Buffer.from(a));
}

/** The members of a tar file (name → bytes), read with the app's own tar reader. */
export async function tarMembers(bytes: Uint8Array): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for await (const e of readTar(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream(), 'export.tar')) out.set(e.name, e.bytes);
  return out;
}

// ---------------------------------------------------------------- uploads

export interface Upload {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

export function upload(name: string, buffer: Uint8Array | string): Upload {
  const lower = name.toLowerCase();
  const mimeType = lower.endsWith('.gz') || lower.endsWith('.tgz')
    ? 'application/gzip'
    : lower.endsWith('.tar')
      ? 'application/x-tar'
      : lower.endsWith('.png')
        ? 'image/png'
        : lower.endsWith('.jpg') || lower.endsWith('.jpeg')
          ? 'image/jpeg'
          : lower.endsWith('.webp')
            ? 'image/webp'
            : lower.endsWith('.json')
              ? 'application/json'
              : lower.endsWith('.csv')
                ? 'text/csv'
                : 'text/plain';
  return { name, mimeType, buffer: Buffer.from(asBytes(buffer)) };
}

// ---------------------------------------------------------------- the Data tab

/** Opens the app on the Data tab and waits until the data worker has listed the datasets. */
export async function openDataTab(page: Page): Promise<void> {
  await page.goto('/#data');
  await expect(page.getByRole('tab', { name: 'Data' })).toHaveAttribute('aria-selected', 'true');
  await waitForDataWorker(page);
}

export async function waitForDataWorker(page: Page): Promise<void> {
  await expect
    .poll(() => page.evaluate(() => {
      const s = (window as any).__clipLab?.getDataState?.();
      return s ? `${s.workerStatus}/${s.datasetsLoaded}` : 'no hook';
    }), { timeout: 60_000 })
    .toBe('ready/true');
}

export interface ImportOptions {
  format?: ImportFormat;
  name: string;
  files: Upload[];
  /** Validation share in percent (the form's default is 5). */
  valPct?: number;
  /** The Keep images choice: a short side ('128' … '512') or 'original' (the form's default is '256'). */
  keep?: string;
}

/** Fills the import form (format, name, files, validation share) without pressing Import. */
export async function fillImportForm(page: Page, o: ImportOptions): Promise<void> {
  await page.getByLabel('Import format', { exact: true }).selectOption(o.format ?? 'webdataset');
  await page.getByLabel('Files', { exact: true }).setInputFiles(o.files);
  await page.getByLabel('Dataset name', { exact: true }).fill(o.name);
  if (o.valPct !== undefined) await page.getByLabel('Validation share (%)', { exact: true }).fill(String(o.valPct));
  if (o.keep !== undefined) await page.getByLabel('Keep images', { exact: true }).selectOption(o.keep);
  await expect(page.getByTestId('selected-files')).toContainText(`${o.files.length} file${o.files.length === 1 ? '' : 's'}`);
}

/** Imports through the form and waits for the summary; returns the job's ImportSummary. */
export async function importViaForm(page: Page, o: ImportOptions, timeout = 120_000): Promise<ImportSummary> {
  await fillImportForm(page, o);
  return pressImport(page, o.name, timeout);
}

export async function pressImport(page: Page, name: string, timeout = 120_000): Promise<ImportSummary> {
  const before = await page.evaluate(() => (window as any).__clipLab.getDataState().importJob?.jobId ?? null);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect
    .poll(() => page.evaluate((prev) => {
      const j = (window as any).__clipLab.getDataState().importJob;
      return j && j.jobId !== prev && j.summary ? 'done' : 'pending';
    }, before), { timeout, intervals: [100, 250, 500] })
    .toBe('done');
  const summary: ImportSummary = await page.evaluate(() => JSON.parse(JSON.stringify((window as any).__clipLab.getDataState().importJob.summary)));
  expect(summary.name).toBe(name);
  await expect(page.getByTestId('import-summary')).toBeVisible();
  // The dataset list is refreshed after every import: wait for it to include (or not) the result.
  if (summary.datasetId) await expect(datasetRow(page, name)).toHaveCount(1);
  return summary;
}

export const datasetRow = (page: Page, name: string): Locator => page.locator(`[data-testid="dataset-row"][data-dataset-name="${name}"]`);

export async function storedDatasets(page: Page): Promise<DatasetSummary[]> {
  return page.evaluate(() => JSON.parse(JSON.stringify((window as any).__clipLab.getDataState().datasets)));
}

export async function storedDataset(page: Page, name: string): Promise<DatasetSummary> {
  const list = (await storedDatasets(page)).filter((d) => d.name === name);
  expect(list, `exactly one stored dataset named ${name}`).toHaveLength(1);
  return list[0];
}

/** Asserts a dataset's row shows "train / val" pairs summing to `pairs`; returns [train, val]. */
export async function expectRowPairs(page: Page, name: string, pairs: number): Promise<[number, number]> {
  const row = datasetRow(page, name);
  await expect(row).toHaveCount(1);
  const d = await storedDataset(page, name);
  expect(d.trainPairs + d.valPairs).toBe(pairs);
  await expect(row.locator('td.num-cell').first()).toHaveText(`${d.trainPairs} / ${d.valPairs}`);
  return [d.trainPairs, d.valPairs];
}

export interface BrowsedItem {
  key: string;
  split: 'train' | 'val';
  captions: string[];
  /** Raw RGB bytes as hex. */
  image: string;
  size: number;
}

/** One page of a dataset through the data worker (browse command; the page is at most 256 pairs). */
export async function browsePage(page: Page, id: string, offset = 0, limit = 256, query = ''): Promise<{ items: BrowsedItem[]; total: number }> {
  await page.evaluate(({ id, offset, limit, query }) => (window as any).__clipLab.sendData({ type: 'browse', requestId: `e2e-${Date.now()}`, id, offset, limit, query }), { id, offset, limit, query });
  await expect
    .poll(() => page.evaluate(({ id, offset, query }) => {
      const b = (window as any).__clipLab.getDataState().browse;
      return b.id === id && b.offset === offset && b.query === query && b.loaded && !b.loading;
    }, { id, offset, query }), { timeout: 30_000 })
    .toBe(true);
  return page.evaluate(() => {
    const b = (window as any).__clipLab.getDataState().browse;
    const hex = (u: Uint8Array) => Array.from(u, (x) => x.toString(16).padStart(2, '0')).join('');
    return { total: b.total, items: b.items.map((it: any) => ({ key: it.key, split: it.split, captions: [...it.captions], image: hex(it.image), size: it.size })) };
  });
}

/** The data worker (named 'clip-lab-data'). */
export async function dataWorker(page: Page): Promise<Worker> {
  let found: Worker | undefined;
  await expect
    .poll(async () => {
      for (const w of page.workers()) {
        if (w.url().includes('data.worker')) {
          found = w;
          return true;
        }
        const name = await w.evaluate(() => (self as any).name as string).catch(() => '');
        if (name === 'clip-lab-data') {
          found = w;
          return true;
        }
      }
      return false;
    }, { timeout: 30_000 })
    .toBe(true);
  return found!;
}

/** Every skip line of the summary on screen, as "file — reason" texts. */
export async function skipLines(page: Page): Promise<string[]> {
  return page.getByTestId('import-skip').allInnerTexts();
}
