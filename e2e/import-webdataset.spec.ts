// WebDataset import through the Data tab: valid .tar + .tar.gz shards, every kind of bad
// input in one import (each skipped with its file and reason, nothing else lost), and
// drag and drop onto the drop zone.
import {
  browsePage,
  datasetRow,
  expectRowPairs,
  gzip,
  importViaForm,
  memberDataOffset,
  openDataTab,
  pngWithHeader,
  pressImport,
  skipLines,
  solidImages,
  storedDataset,
  tar,
  upload,
  wdsMembers,
  type Member,
} from './archives';
import { expect, test } from './fixtures';
import { COLOURS, encodeImages } from './testImages';

const RGB: Record<string, [number, number, number]> = {
  red: [255, 0, 0],
  green: [0, 128, 0],
  blue: [0, 0, 255],
  yellow: [255, 255, 0],
  magenta: [255, 0, 255],
  cyan: [0, 255, 255],
  white: [255, 255, 255],
  orange: [255, 165, 0],
};

/** The pixel at the centre of a browsed S×S RGB image (hex). */
function centrePixel(hex: string, size: number): [number, number, number] {
  const c = Math.floor(size / 2);
  const o = (c * size + c) * 3 * 2;
  return [0, 1, 2].map((k) => parseInt(hex.slice(o + 2 * k, o + 2 * k + 2), 16)) as [number, number, number];
}

test('valid shards (.tar and .tar.gz, PNG and JPEG) import completely and can be browsed', async ({ page, guard }) => {
  void guard;
  await openDataTab(page);
  const specs = Array.from({ length: 24 }, (_, i) => ({
    width: 16 + (i % 3) * 16, // 16, 32, 48: resized to the model's 32 px
    height: 16 + ((i + 1) % 3) * 16, // non-square too: centre-cropped
    colour: COLOURS[i % COLOURS.length],
    type: (i < 12 ? 'image/png' : 'image/jpeg') as 'image/png' | 'image/jpeg',
  }));
  const images = await encodeImages(page, specs);
  const pairs = specs.map((s, i) => ({
    key: `sample-${String(i).padStart(4, '0')}`,
    image: images[i],
    ext: s.type === 'image/png' ? 'png' : 'jpg',
    caption: `a ${s.colour} square, picture ${i}`,
  }));
  const shardA = tar(wdsMembers(pairs.slice(0, 12)));
  const shardB = gzip(tar(wdsMembers(pairs.slice(12))));
  expect(shardB[0]).toBe(0x1f); // really gzip

  const summary = await importViaForm(page, {
    name: 'good-wds',
    files: [upload('good-0000.tar', shardA), upload('good-0001.tar.gz', shardB)],
    valPct: 25,
  });
  expect(summary.error).toBeUndefined();
  expect(summary.imported).toBe(24);
  expect(summary.skipped).toEqual([]);
  await expect(page.getByTestId('import-summary')).toContainText('Imported 24 pairs, skipped 0');
  await expect(page.getByTestId('import-error')).toHaveCount(0);
  await expect(page.getByTestId('import-skip')).toHaveCount(0);

  const [train, val] = await expectRowPairs(page, 'good-wds', 24);
  expect(train).toBeGreaterThan(0);
  expect(val).toBeGreaterThan(0); // 25 % of 24 keys by hash: some of each
  await expect(page.getByTestId('storage-info')).toBeVisible();
  await expect(page.getByTestId('storage-info')).toContainText(/used .* of /);

  // Browse through the UI: one page of 24 with every caption shown.
  await datasetRow(page, 'good-wds').getByRole('button', { name: 'Browse', exact: true }).click();
  await expect(page.getByTestId('sample-item')).toHaveCount(24);
  await expect(page.getByTestId('browse-count')).toHaveText('1–24 of 24');
  const shown = await page.getByTestId('sample-grid').locator('.sample-captions li').allInnerTexts();
  expect(shown.sort()).toEqual(pairs.map((p) => p.caption).sort());

  // The stored pixels are the images' (centre pixel = the square's colour; JPEG within tolerance).
  const id = (await storedDataset(page, 'good-wds')).id;
  const { items, total } = await browsePage(page, id);
  expect(total).toBe(24);
  expect(items.map((it) => it.key).sort()).toEqual(pairs.map((p) => p.key).sort());
  for (const it of items) {
    expect(it.size).toBe(32);
    const i = Number(it.key.slice(-4));
    expect(it.captions).toEqual([pairs[i].caption]);
    const want = RGB[specs[i].colour];
    const got = centrePixel(it.image, it.size);
    for (let k = 0; k < 3; k++) expect(Math.abs(got[k] - want[k]), `${it.key} channel ${k}: ${got} vs ${want}`).toBeLessThan(40);
  }
});

test('bad members are skipped one by one, naming file and reason; other datasets are untouched', async ({ page, guard }) => {
  void guard;
  await openDataTab(page);

  // A good dataset first: it must survive the bad import untouched.
  const keepImages = await solidImages(page, COLOURS.slice(0, 5), 24);
  const keepPairs = Array.from({ length: 10 }, (_, i) => ({ key: `keep-${i}`, image: keepImages[i % 5], ext: 'png', caption: `keep pair ${i}` }));
  const keep = await importViaForm(page, { name: 'keep-me', files: [upload('keep.tar', tar(wdsMembers(keepPairs)))] });
  expect(keep.imported).toBe(10);
  await expectRowPairs(page, 'keep-me', 10);

  const good = await encodeImages(
    page,
    Array.from({ length: 9 }, (_, i) => ({ width: 24, height: 24, colour: COLOURS[i % 8], type: i % 2 ? 'image/jpeg' : 'image/png' }) as const),
  );
  // A 48×48 JPEG with detail, cut to 60 %: the header (with its frame size) survives, the scan does not.
  const [bigJpeg] = await encodeImages(page, [{ width: 48, height: 48, colour: 'orange', type: 'image/jpeg' }]);
  const cutJpeg = bigJpeg.subarray(0, Math.floor(bigJpeg.length * 0.6));
  expect(cutJpeg.indexOf(Buffer.from([0xff, 0xc0]))).toBeGreaterThan(0); // SOF0 still there

  const goodPair = (k: string, i: number): Member[] => [
    { name: `${k}.${i % 2 ? 'jpg' : 'png'}`, bytes: good[i] },
    { name: `${k}.txt`, bytes: `good caption ${k}` },
  ];
  // Shard 0: six good pairs among every kind of bad sample.
  const shard0: Member[] = [
    ...goodPair('g0', 0),
    { name: 'text.jpg', bytes: 'this is plain text, not a JPEG at all' },
    { name: 'text.txt', bytes: 'a jpg that is text' },
    ...goodPair('g1', 1),
    { name: 'cut.jpg', bytes: cutJpeg },
    { name: 'cut.txt', bytes: 'a truncated jpeg' },
    { name: 'nocap.png', bytes: good[2] },
    ...goodPair('g2', 2),
    { name: 'orphan.txt', bytes: 'a caption whose image never came' },
    { name: 'empty.png', bytes: new Uint8Array(0) },
    { name: 'empty.txt', bytes: 'a zero-byte image' },
    ...goodPair('g3', 3),
    { name: 'latin.png', bytes: good[4] },
    { name: 'latin.txt', bytes: new Uint8Array([0xff, 0xfe, 0x41]) },
    { name: 'huge.png', bytes: pngWithHeader(20000, 20000) },
    { name: 'huge.txt', bytes: 'a decompression bomb' },
    ...goodPair('dup', 4),
    { name: 'blank.png', bytes: good[5] },
    { name: 'blank.txt', bytes: '  \t \n  ' },
    ...goodPair('g4', 5),
    ...goodPair('g5', 6),
  ];
  // Shard 1: a good pair, a key already used in shard 0, another good pair, then cut off
  // in the middle of the next member's data.
  const shard1Members: Member[] = [...goodPair('h0', 7), ...goodPair('dup', 8), ...goodPair('h1', 7), ...goodPair('h2', 8)];
  const whole1 = tar(shard1Members);
  const cutAt = memberDataOffset(shard1Members, 'h2.png') + Math.floor(good[8].length / 2);
  const shard1 = whole1.subarray(0, cutAt);
  // Shard 2: gzip whose deflate data is garbage (0xff: a final block of invalid type 3).
  const shard2 = Buffer.from(gzip(tar(goodPair('z0', 0))));
  shard2.fill(0xff, 10, 40);

  const summary = await importViaForm(page, {
    name: 'bad-input',
    files: [upload('bad-0.tar', tar(shard0)), upload('bad-1.tar', shard1), upload('bad-2.tar.gz', shard2)],
  });
  expect(summary.error).toBeUndefined();
  const expectedSkips: [string, RegExp][] = [
    ['bad-0.tar: text', /^not an image/],
    ['bad-0.tar: cut.jpg', /^corrupt or unsupported image/],
    ['bad-0.tar: nocap', /^no caption \(nocap\.txt missing\)/],
    ['bad-0.tar: orphan', /^caption without an image/],
    ['bad-0.tar: empty', /^empty file \(empty\.png\)/],
    ['bad-0.tar: latin', /^caption is not valid UTF-8/],
    ['bad-0.tar: huge.png', /^image is 20000×20000, over the 64-megapixel limit/],
    ['bad-0.tar: blank', /^empty caption/],
    ['bad-1.tar: dup', /^duplicate key/],
    ['bad-1.tar', /^truncated archive: member h2\.png ends after \d+ of \d+ bytes/],
    ['bad-2.tar.gz', /^corrupt or truncated gzip/],
  ];
  const listed = summary.skipped.map((s) => `${s.file} — ${s.reason}`);
  for (const [file, reason] of expectedSkips) {
    const hits = summary.skipped.filter((s) => s.file === file && reason.test(s.reason));
    expect(hits, `one skip for ${file} matching ${reason}; got:\n${listed.join('\n')}`).toHaveLength(1);
  }
  expect(summary.skipped, listed.join('\n')).toHaveLength(expectedSkips.length);
  // Good pairs: g0–g5 of shard 0 (dup's first copy included: 7), h0 and h1 of shard 1.
  expect(summary.imported).toBe(9);
  await expect(page.getByTestId('import-summary')).toContainText(`Imported 9 pairs, skipped ${expectedSkips.length}`);

  // On screen: one line per skip, each naming its file and starting its reason as above.
  await expect(page.getByTestId('import-skip')).toHaveCount(expectedSkips.length);
  const lines = await skipLines(page);
  for (const [file, reason] of expectedSkips) {
    const re = new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} — ${reason.source.slice(1)}`);
    expect(lines.filter((l) => re.test(l)), `skip line for ${file}`).toHaveLength(1);
  }

  await expectRowPairs(page, 'bad-input', 9);
  const bad = await storedDataset(page, 'bad-input');
  const stored = await browsePage(page, bad.id);
  expect(stored.items.map((it) => it.key).sort()).toEqual(['dup', 'g0', 'g1', 'g2', 'g3', 'g4', 'g5', 'h0', 'h1']);
  // The first "dup" (shard 0) was kept, not the second.
  expect(stored.items.find((it) => it.key === 'dup')!.captions).toEqual(['good caption dup']);

  // "keep-me" is intact: row and every pair.
  await expectRowPairs(page, 'keep-me', 10);
  await datasetRow(page, 'keep-me').getByRole('button', { name: 'Browse', exact: true }).click();
  await expect(page.getByTestId('sample-item')).toHaveCount(10);
  await expect(page.getByTestId('browse-count')).toHaveText('1–10 of 10');
  const kept = await browsePage(page, (await storedDataset(page, 'keep-me')).id);
  expect(kept.items.map((it) => it.captions[0]).sort()).toEqual(keepPairs.map((p) => p.caption).sort());
});

test('a shard dropped onto the drop zone is picked and imported', async ({ page, guard }) => {
  void guard;
  await openDataTab(page);
  const images = await solidImages(page, COLOURS.slice(0, 4), 16);
  const shard = tar(wdsMembers(images.map((image, i) => ({ key: `drop-${i}`, image, ext: 'png', caption: `dropped ${COLOURS[i]} picture` }))));

  const dt = await page.evaluateHandle(({ bytes, name }) => {
    const d = new DataTransfer();
    d.items.add(new File([new Uint8Array(bytes)], name, { type: 'application/x-tar' }));
    return d;
  }, { bytes: Array.from(shard), name: 'dropped-shard.tar' });
  const zone = page.getByTestId('drop-zone');
  await zone.dispatchEvent('dragenter', { dataTransfer: dt });
  await zone.dispatchEvent('dragover', { dataTransfer: dt });
  await zone.dispatchEvent('drop', { dataTransfer: dt });

  await expect(page.getByTestId('selected-files')).toContainText('1 file');
  await expect(page.getByTestId('selected-files')).toContainText('dropped-shard.tar');
  await expect(page.getByLabel('Dataset name', { exact: true })).toHaveValue('dropped-shard'); // suggested from the file
  const summary = await pressImport(page, 'dropped-shard');
  expect(summary.imported).toBe(4);
  expect(summary.skipped).toEqual([]);
  await expect(page.getByTestId('import-summary')).toContainText('Imported 4 pairs, skipped 0');
  await expectRowPairs(page, 'dropped-shard', 4);
  await datasetRow(page, 'dropped-shard').getByRole('button', { name: 'Browse', exact: true }).click();
  await expect(page.getByTestId('sample-item')).toHaveCount(4);
  await expect(page.getByTestId('sample-grid')).toContainText('dropped red picture');
});
