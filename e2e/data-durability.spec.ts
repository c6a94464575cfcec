// Stored data survives what can go wrong: a quota failure mid-import (rolled back, other
// datasets untouched, a retry works), a page reload, a cancelled import, and an
// export → import round trip that gives back the same pairs, and the images each import keeps
// (resized to a short side, or the files as they are) coming back out of an export.
import { readFile } from 'node:fs/promises';
import {
  browsePage,
  dataWorker,
  datasetRow,
  expectRowPairs,
  fillImportForm,
  importViaForm,
  openDataTab,
  solidImages,
  storedDataset,
  tarMembers,
  storedDatasets,
  tar,
  upload,
  waitForDataWorker,
  wdsMembers,
  type BrowsedItem,
} from './archives';
import { expect, test } from './fixtures';
import { COLOURS } from './testImages';

/** A WebDataset shard of n tiny PNG pairs (the 8 colours over and over). */
async function tinyShard(page: import('@playwright/test').Page, n: number, prefix: string): Promise<Buffer> {
  const pngs = await solidImages(page, COLOURS, 8);
  return tar(wdsMembers(Array.from({ length: n }, (_, i) => ({ key: `${prefix}-${String(i).padStart(5, '0')}`, image: pngs[i % 8], ext: 'png', caption: `tiny ${COLOURS[i % 8]} ${i}` }))));
}

async function importKeepMe(page: import('@playwright/test').Page): Promise<void> {
  const keep = await importViaForm(page, { name: 'keep-me', files: [upload('keep.tar', await tinyShard(page, 12, 'keep'))], valPct: 25 });
  expect(keep.imported).toBe(12);
  await expectRowPairs(page, 'keep-me', 12);
}

test('a quota failure mid-import rolls the import back, keeps other data, and a retry succeeds', async ({ page, guard }) => {
  void guard;
  await openDataTab(page);
  await importKeepMe(page);
  const keepBefore = await browsePage(page, (await storedDataset(page, 'keep-me')).id);

  // 600 pairs, all training (validation 0 %): shards of 256, 256, 88; the 2nd write fails.
  const big = upload('big.tar', await tinyShard(page, 600, 'big'));
  const worker = await dataWorker(page);
  await worker.evaluate(() => ((globalThis as any).__clipLabFailWritesAfter = 2));
  const failed = await importViaForm(page, { name: 'too-big', files: [big], valPct: 0 });
  expect(failed.datasetId).toBeNull();
  expect(failed.cancelled).toBe(false);
  expect(failed.error).toMatch(/quota/i);
  expect(failed.error).toMatch(/^Storage quota exceeded after 512 pairs/); // at the 2nd shard write, as simulated
  await expect(page.getByTestId('import-error')).toBeVisible();
  await expect(page.getByTestId('import-error')).toContainText(/quota/i);
  await expect(page.getByTestId('import-error')).toContainText(/rolled back/);
  await expect(datasetRow(page, 'too-big')).toHaveCount(0);
  expect((await storedDatasets(page)).map((d) => d.name)).toEqual(['keep-me']);

  // "keep-me" is intact, pair for pair.
  await expectRowPairs(page, 'keep-me', 12);
  const keepAfter = await browsePage(page, (await storedDataset(page, 'keep-me')).id);
  expect(keepAfter).toEqual(keepBefore);

  // Without the simulated failure the same import goes through.
  await worker.evaluate(() => delete (globalThis as any).__clipLabFailWritesAfter);
  const retry = await importViaForm(page, { name: 'too-big', files: [big], valPct: 0 });
  expect(retry.error).toBeUndefined();
  expect(retry.imported).toBe(600);
  await expect(page.getByTestId('import-summary')).toContainText('Imported 600 pairs, skipped 0');
  const [train, val] = await expectRowPairs(page, 'too-big', 600);
  expect([train, val]).toEqual([600, 0]);
  const last = await browsePage(page, (await storedDataset(page, 'too-big')).id, 512, 256);
  expect(last.total).toBe(600);
  expect(last.items).toHaveLength(88); // the third shard is there too
  await expectRowPairs(page, 'keep-me', 12);
});

test('stored datasets survive a page reload and can still be browsed', async ({ page, guard }) => {
  void guard;
  await openDataTab(page);
  const images = await solidImages(page, COLOURS, 16);
  const pairs = Array.from({ length: 30 }, (_, i) => ({ key: `r${i}`, image: images[i % 8], ext: 'png', caption: `reload pair ${i} is ${COLOURS[i % 8]}` }));
  const sum = await importViaForm(page, { name: 'persisted', files: [upload('persist.tar', tar(wdsMembers(pairs)))], valPct: 20 });
  expect(sum.imported).toBe(30);
  const before = await storedDataset(page, 'persisted');
  const [train, val] = await expectRowPairs(page, 'persisted', 30);
  const pageBefore = await browsePage(page, before.id);

  await page.reload();
  await expect(page.getByRole('tab', { name: 'Data' })).toHaveAttribute('aria-selected', 'true');
  await waitForDataWorker(page);
  expect(await expectRowPairs(page, 'persisted', 30)).toEqual([train, val]);
  const after = await storedDataset(page, 'persisted');
  expect(after).toEqual(before);

  await datasetRow(page, 'persisted').getByRole('button', { name: 'Browse', exact: true }).click();
  await expect(page.getByTestId('browse-count')).toHaveText('1–24 of 30');
  await expect(page.getByTestId('sample-item')).toHaveCount(24);
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await expect(page.getByTestId('browse-count')).toHaveText('25–30 of 30');
  await expect(page.getByTestId('sample-item')).toHaveCount(6);
  await page.getByLabel('Search captions', { exact: true }).fill('magenta');
  await expect(page.getByTestId('browse-count')).toContainText('of 4 matching'); // pairs 4, 12, 20, 28
  await expect(page.getByTestId('sample-item')).toHaveCount(4);
  expect(await browsePage(page, after.id)).toEqual(pageBefore);
});

test('cancelling an import stores nothing', async ({ page, guard }) => {
  void guard;
  await openDataTab(page);
  const shard = upload('many.tar', await tinyShard(page, 2000, 'many'));
  await fillImportForm(page, { name: 'cancelled-set', files: [shard] });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('import-progress')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel import', exact: true }).click();
  await expect
    .poll(() => page.evaluate(() => (window as any).__clipLab.getDataState().importJob?.summary?.cancelled ?? null), { timeout: 60_000 })
    .toBe(true);
  const summary = await page.evaluate(() => JSON.parse(JSON.stringify((window as any).__clipLab.getDataState().importJob.summary)));
  expect(summary.datasetId).toBeNull();
  expect(summary.error).toBeUndefined();
  await expect(page.getByTestId('import-summary')).toContainText('cancelled');
  await expect(page.getByTestId('import-progress')).toHaveCount(0);
  await expect(page.getByTestId('import-error')).toHaveCount(0);

  // Nothing of it stored, now or after a reload (no half-written dataset resurfaces).
  await page.getByRole('button', { name: 'Refresh', exact: true }).click();
  await expect(page.getByTestId('dataset-row')).toHaveCount(0);
  expect(await storedDatasets(page)).toEqual([]);
  await page.reload();
  await waitForDataWorker(page);
  expect(await storedDatasets(page)).toEqual([]);
  await expect(datasetRow(page, 'cancelled-set')).toHaveCount(0);
});

test('export → import round trip gives back the same pairs (images, every caption, split)', async ({ page, guard }) => {
  void guard;
  await openDataTab(page);
  const images = await solidImages(page, COLOURS, 32);
  const pairs = Array.from({ length: 20 }, (_, i) => ({
    key: `orig-${i}`,
    image: images[i % 8],
    ext: 'png',
    caption: `a ${COLOURS[i % 8]} picture number ${i}`,
    // Every third pair has more captions in key.json (read as extra captions).
    json: i % 3 === 0 ? { captions: [`a ${COLOURS[i % 8]} picture number ${i}`, `extra caption ${i}`, `and another, ${i}`] } : undefined,
  }));
  const src = await importViaForm(page, { name: 'to-export', files: [upload('src.tar', tar(wdsMembers(pairs)))], valPct: 30 });
  expect(src.imported).toBe(20);
  const source = await storedDataset(page, 'to-export');
  expect(source.valPairs).toBeGreaterThan(0);

  const downloadP = page.waitForEvent('download');
  await datasetRow(page, 'to-export').getByRole('button', { name: 'Export', exact: true }).click();
  const download = await downloadP;
  expect(download.suggestedFilename()).toBe('to-export.tar');
  const bytes = await readFile((await download.path())!);
  expect(bytes.length).toBeGreaterThan(20 * 3 * 512);
  // The 32-px PNGs are smaller than the kept 256 px: the export gives back each file's own bytes.
  const members = await tarMembers(bytes);
  for (const p of pairs) expect(Buffer.from(members.get(`${p.key}.png`)!).equals(p.image), p.key).toBe(true);

  const back = await importViaForm(page, { name: 'round-trip', files: [upload('to-export.tar', bytes)] });
  expect(back.skipped).toEqual([]);
  expect(back.imported).toBe(20);
  await expectRowPairs(page, 'round-trip', 20);
  const copy = await storedDataset(page, 'round-trip');

  // The export records each pair's split in key.json, so the copy keeps train and val apart as they were.
  expect([copy.trainPairs, copy.valPairs]).toEqual([source.trainPairs, source.valPairs]);
  const canonical = (items: BrowsedItem[]) => items.map((it) => JSON.stringify([[...it.captions].sort(), it.size, it.image, it.split])).sort();
  const a = await browsePage(page, source.id);
  const b = await browsePage(page, copy.id);
  expect(a.total).toBe(20);
  expect(b.total).toBe(20);
  expect(b.items.filter((it) => it.captions.length === 3)).toHaveLength(7);
  expect(canonical(b.items)).toEqual(canonical(a.items));
});

/** A w×h image with a diagonal gradient, encoded by the browser. */
async function gradientImage(page: import('@playwright/test').Page, w: number, h: number, type: string): Promise<Buffer> {
  const bytes: number[] = await page.evaluate(
    async ({ w, h, type }) => {
      const c = new OffscreenCanvas(w, h);
      const g = c.getContext('2d')!;
      const grad = g.createLinearGradient(0, 0, w, h);
      grad.addColorStop(0, '#d03020');
      grad.addColorStop(1, '#2040e0');
      g.fillStyle = grad;
      g.fillRect(0, 0, w, h);
      return Array.from(new Uint8Array(await (await c.convertToBlob({ type, quality: 0.9 })).arrayBuffer()));
    },
    { w, h, type },
  );
  return Buffer.from(bytes);
}

/** Width and height of a JPEG (SOF0/SOF2 marker) or PNG (IHDR). */
function dimensions(b: Uint8Array): [number, number] {
  if (b[0] === 0x89) return [(b[16]! << 24) | (b[17]! << 16) | (b[18]! << 8) | b[19]!, (b[20]! << 24) | (b[21]! << 16) | (b[22]! << 8) | b[23]!];
  for (let o = 2; o + 9 < b.length; ) {
    const marker = b[o + 1]!;
    const len = (b[o + 2]! << 8) | b[o + 3]!;
    if (marker === 0xc0 || marker === 0xc2) return [(b[o + 7]! << 8) | b[o + 8]!, (b[o + 5]! << 8) | b[o + 6]!];
    o += 2 + len;
  }
  throw new Error('no JPEG frame header');
}

test('kept images: a large photo is kept at 256 px on its short side, a small one as it is, or every file unchanged; the export writes them', async ({ page, guard }) => {
  void guard;
  await openDataTab(page);
  const photo = await gradientImage(page, 600, 400, 'image/jpeg');
  const small = await gradientImage(page, 100, 80, 'image/png');
  const pairs = [
    { key: 'photo', image: photo, ext: 'jpg', caption: 'a large photo' },
    { key: 'small', image: small, ext: 'png', caption: 'a small picture' },
    { key: 'again', image: photo, ext: 'jpg', caption: 'the photo again' },
  ];
  const shard = tar(wdsMembers(pairs));
  const exported = async (name: string) => {
    const downloadP = page.waitForEvent('download');
    await datasetRow(page, name).getByRole('button', { name: 'Export', exact: true }).click();
    return tarMembers(await readFile((await (await downloadP).path())!));
  };

  await importViaForm(page, { name: 'kept-256', files: [upload('photos.tar', shard)] });
  await expect(datasetRow(page, 'kept-256')).toContainText('images kept up to 256 px');
  const resized = await exported('kept-256');
  const kept = resized.get('photo.jpg')!;
  expect(dimensions(kept)).toEqual([384, 256]);
  expect(kept.length).toBeLessThan(photo.length);
  expect(Buffer.from(resized.get('small.png')!).equals(small)).toBe(true);
  // The stored size counts the kept images.
  const d256 = await storedDataset(page, 'kept-256');
  expect(d256.originals).toEqual({ kind: 'resized', shortSide: 256 });
  expect(d256.bytes).toBeGreaterThan(2 * kept.length + small.length);

  await importViaForm(page, { name: 'kept-files', files: [upload('photos.tar', shard)], keep: 'original' });
  await expect(datasetRow(page, 'kept-files')).toContainText('original images kept');
  const originals = await exported('kept-files');
  expect(Buffer.from(originals.get('photo.jpg')!).equals(photo)).toBe(true);
  expect(Buffer.from(originals.get('small.png')!).equals(small)).toBe(true);
  expect(dimensions(originals.get('photo.jpg')!)).toEqual([600, 400]);
});
