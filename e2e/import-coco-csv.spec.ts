// COCO captions and caption-file (CSV / TSV / JSONL) imports through the Data tab:
// captions grouped per image, missing files and malformed rows skipped by name, a
// malformed COCO JSON refused as a whole, and captions shown as text, never as HTML.
import { browsePage, datasetRow, expectRowPairs, importViaForm, openDataTab, solidImages, storedDataset, storedDatasets, upload, type Upload } from './archives';
import { expect, test } from './fixtures';
import { COLOURS } from './testImages';

test('COCO captions: five of six images imported with three captions each; the missing file is named', async ({ page, guard }) => {
  void guard;
  await openDataTab(page);
  const images = await solidImages(page, COLOURS.slice(0, 6), 20, 'image/jpeg');
  const coco = {
    info: { description: 'test' },
    images: images.map((_, i) => ({ id: 100 + i, file_name: `COCO_val_${i}.jpg`, width: 20, height: 20 })),
    annotations: images.flatMap((_, i) =>
      [0, 1, 2].map((k) => ({ id: 1000 + 3 * i + k, image_id: 100 + i, caption: `image ${i} in ${COLOURS[i]}, caption ${k}` })),
    ),
  };
  // COCO_val_5.jpg is named in the JSON but not picked.
  const files: Upload[] = [upload('captions_val.json', JSON.stringify(coco)), ...images.slice(0, 5).map((b, i) => upload(`COCO_val_${i}.jpg`, b))];
  const summary = await importViaForm(page, { format: 'coco', name: 'coco-small', files });
  expect(summary.error).toBeUndefined();
  expect(summary.imported).toBe(5);
  expect(summary.skipped).toHaveLength(1);
  expect(summary.skipped[0].file).toBe('COCO_val_5.jpg');
  expect(summary.skipped[0].reason).toMatch(/^image file not found/);
  await expect(page.getByTestId('import-summary')).toContainText('Imported 5 pairs, skipped 1');
  await expect(page.getByTestId('import-skip')).toHaveCount(1);
  await expect(page.getByTestId('import-skip')).toHaveText(/^COCO_val_5\.jpg — image file not found/);
  await expectRowPairs(page, 'coco-small', 5);

  const id = (await storedDataset(page, 'coco-small')).id;
  const { items, total } = await browsePage(page, id);
  expect(total).toBe(5);
  expect(items.map((it) => it.key).sort()).toEqual(['100', '101', '102', '103', '104']);
  for (const it of items) {
    const i = Number(it.key) - 100;
    expect(it.captions).toEqual([0, 1, 2].map((k) => `image ${i} in ${COLOURS[i]}, caption ${k}`));
  }
  await datasetRow(page, 'coco-small').getByRole('button', { name: 'Browse', exact: true }).click();
  await expect(page.getByTestId('sample-item')).toHaveCount(5);
  const first = page.getByTestId('sample-item').filter({ hasText: 'image 2 in blue, caption 0' });
  await expect(first.locator('.sample-captions li')).toHaveText(['image 2 in blue, caption 0', 'image 2 in blue, caption 1', 'image 2 in blue, caption 2']);

  // A truncated captions JSON ends the import with an error naming the file; nothing is stored.
  const text = JSON.stringify(coco);
  const broken = await importViaForm(page, {
    format: 'coco',
    name: 'coco-broken',
    files: [upload('captions_broken.json', text.slice(0, Math.floor(text.length / 2))), ...images.slice(0, 5).map((b, i) => upload(`COCO_val_${i}.jpg`, b))],
  });
  expect(broken.datasetId).toBeNull();
  expect(broken.imported).toBe(0);
  expect(broken.error).toMatch(/^captions_broken\.json: not JSON/);
  await expect(page.getByTestId('import-error')).toBeVisible();
  await expect(page.getByTestId('import-error')).toContainText('captions_broken.json');
  await expect(page.getByTestId('import-error')).toContainText(/not JSON/);
  await expect(datasetRow(page, 'coco-broken')).toHaveCount(0);
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
  expect((await storedDatasets(page)).map((d) => d.name)).toEqual(['coco-small']);
});

test('CSV with a header, quoted commas and newlines, a missing file, a malformed row and an HTML caption', async ({ page, guard }) => {
  void guard;
  await openDataTab(page);
  const images = await solidImages(page, COLOURS.slice(0, 6), 16);
  const xss = '<img src=x onerror="window.__xss=1">';
  const csv = [
    'file,caption', // 1
    'c0.png,"a red square, bright and bold"', // 2
    'c1.png,"a green square', // 3
    'on two lines"', // 4
    'c2.png,plain caption without quotes', // 5
    'missing.png,a caption for an image nobody picked', // 6
    'this row has no second column', // 7
    `c3.png,"${xss.replace(/"/g, '""')}"`, // 8
    'c4.png,"a ""quoted"" word, and a comma"', // 9
    'c0.png,a second caption for the red one', // 10
    '',
  ].join('\r\n');
  // c5.png is picked but not named in the CSV: ignored without a skip.
  const files = [upload('mapping.csv', csv), ...images.map((b, i) => upload(`c${i}.png`, b))];
  const summary = await importViaForm(page, { format: 'caption-file', name: 'csv-set', files });
  expect(summary.error).toBeUndefined();
  expect(summary.imported).toBe(5);
  const listed = summary.skipped.map((s) => `${s.file} — ${s.reason}`);
  expect(listed, listed.join('\n')).toHaveLength(2);
  expect(listed[0]).toMatch(/^mapping\.csv line 6: missing\.png — image file not found/);
  expect(listed[1]).toMatch(/^mapping\.csv line 7 — expected at least 2 columns, found 1/);
  await expect(page.getByTestId('import-summary')).toContainText('Imported 5 pairs, skipped 2');
  await expect(page.getByTestId('import-skip')).toHaveText([/^mapping\.csv line 6: missing\.png — image file not found/, /^mapping\.csv line 7 — expected at least/]);
  await expectRowPairs(page, 'csv-set', 5);

  const id = (await storedDataset(page, 'csv-set')).id;
  const { items } = await browsePage(page, id);
  const byKey = Object.fromEntries(items.map((it) => [it.key, it.captions]));
  expect(byKey).toEqual({
    'c0.png': ['a red square, bright and bold', 'a second caption for the red one'],
    'c1.png': ['a green square on two lines'],
    'c2.png': ['plain caption without quotes'],
    'c3.png': [xss],
    'c4.png': ['a "quoted" word, and a comma'],
  });

  // The HTML caption is shown as literal text in the sample grid, and nothing ran.
  await datasetRow(page, 'csv-set').getByRole('button', { name: 'Browse', exact: true }).click();
  await expect(page.getByTestId('sample-item')).toHaveCount(5);
  await expect(page.getByTestId('sample-grid').getByText(xss, { exact: true })).toBeVisible();
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
});

test('TSV (no header) and JSONL (caption strings and arrays) map files to captions', async ({ page, guard }) => {
  void guard;
  await openDataTab(page);
  const images = await solidImages(page, COLOURS.slice(0, 4), 16);

  const tsv = ['t0.png\ta red tile', 't1.png\ta green tile, with a comma', './t2.png\ta blue tile', 'sub/t3.png\ta yellow tile'].join('\n');
  const tsvSum = await importViaForm(page, {
    format: 'caption-file',
    name: 'tsv-set',
    files: [upload('captions.tsv', tsv), ...images.map((b, i) => upload(`t${i}.png`, b))],
  });
  expect(tsvSum.skipped).toEqual([]);
  expect(tsvSum.imported).toBe(4);
  await expect(page.getByTestId('import-summary')).toContainText('Imported 4 pairs, skipped 0');
  await expectRowPairs(page, 'tsv-set', 4);
  const tsvItems = (await browsePage(page, (await storedDataset(page, 'tsv-set')).id)).items;
  expect(Object.fromEntries(tsvItems.map((it) => [it.key, it.captions]))).toEqual({
    't0.png': ['a red tile'],
    't1.png': ['a green tile, with a comma'],
    't2.png': ['a blue tile'],
    't3.png': ['a yellow tile'],
  });

  const jsonl = [
    JSON.stringify({ file_name: 'j0.png', caption: 'first jsonl caption' }),
    JSON.stringify({ image: 'j1.png', captions: ['two captions', 'for this one'] }),
    JSON.stringify({ path: 'j2.png', text: 'text key works too' }),
    JSON.stringify({ file: 'j3.png', caption: 'caption with "quotes" and ünïcödé' }),
  ].join('\n');
  const jsonlSum = await importViaForm(page, {
    format: 'caption-file',
    name: 'jsonl-set',
    files: [upload('pairs.jsonl', jsonl), ...images.map((b, i) => upload(`j${i}.png`, b))],
  });
  expect(jsonlSum.skipped).toEqual([]);
  expect(jsonlSum.imported).toBe(4);
  await expect(page.getByTestId('import-summary')).toContainText('Imported 4 pairs, skipped 0');
  await expectRowPairs(page, 'jsonl-set', 4);
  const jsonlItems = (await browsePage(page, (await storedDataset(page, 'jsonl-set')).id)).items;
  expect(Object.fromEntries(jsonlItems.map((it) => [it.key, it.captions]))).toEqual({
    'j0.png': ['first jsonl caption'],
    'j1.png': ['two captions', 'for this one'],
    'j2.png': ['text key works too'],
    'j3.png': ['caption with "quotes" and ünïcödé'],
  });
});
