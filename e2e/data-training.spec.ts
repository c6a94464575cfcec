// Training on stored data through the real UI: an imported dataset chosen with
// "Train on this", and the built-in Fashion-MNIST chosen in the Run sidebar.
import { datasetRow, expectRowPairs, importViaForm, openDataTab, solidImages, storedDataset, tar, upload, wdsMembers } from './archives';
import { expect, losses, setField, storeState, test, waitForBackend, waitForState, workerErrors } from './fixtures';
import { COLOURS } from './testImages';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

test('"Train on this" trains on an imported dataset: the loss falls and the evaluation is finite', async ({ page, guard }) => {
  void guard;
  await openDataTab(page);
  await waitForBackend(page);
  const images = await solidImages(page, COLOURS, 32);
  const pairs = Array.from({ length: 64 }, (_, i) => ({ key: `sq-${String(i).padStart(3, '0')}`, image: images[i % 8], ext: 'png', caption: `a ${COLOURS[i % 8]} square` }));
  const sum = await importViaForm(page, { name: 'colour-squares', files: [upload('squares.tar', tar(wdsMembers(pairs)))], valPct: 25 });
  expect(sum.imported).toBe(64);
  const [train, val] = await expectRowPairs(page, 'colour-squares', 64);
  expect(val).toBeGreaterThanOrEqual(2);
  const id = (await storedDataset(page, 'colour-squares')).id;

  await datasetRow(page, 'colour-squares').getByRole('button', { name: 'Train on this', exact: true }).click();
  await expect(page.getByRole('tab', { name: 'Train' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByLabel('Dataset', { exact: true })).toHaveValue(id);
  await expect(page.getByTestId('stored-dataset-info')).toContainText(`${train} train · ${val} val`);
  expect(await storeState(page, 's.config.dataset')).toEqual({ kind: 'stored', id });

  await setField(page, 'Batch size', 16);
  await setField(page, 'Steps', 40);
  await setField(page, 'Eval every', 0);
  const start = page.getByRole('button', { name: 'Start', exact: true });
  await expect(start).toBeEnabled();
  await start.click();
  await waitForState(page, ['done', 'error'], 180_000);
  expect(await workerErrors(page)).toEqual([]);
  expect(await storeState(page, 's.status.state')).toBe('done');
  expect(await storeState(page, 's.status.datasetId')).toBe(id);
  expect(await storeState(page, 's.dataset.name')).toBe('colour-squares');

  const loss = await losses(page);
  expect(loss).toHaveLength(40);
  expect(loss.every(Number.isFinite)).toBe(true);
  const first = mean(loss.slice(0, 5));
  const last = mean(loss.slice(-5));
  expect(last, `first 5 steps ${first.toFixed(3)}, last 5 steps ${last.toFixed(3)}`).toBeLessThan(0.7 * first);
  const evals = await storeState(page, 's.evals');
  expect(evals.length).toBeGreaterThan(0);
  expect(evals.at(-1).step).toBe(40);
  expect(Number.isFinite(evals.at(-1).gap)).toBe(true);
  console.log(`imported squares: loss ${first.toFixed(2)} → ${last.toFixed(2)}, gap ${evals.at(-1).gap.toFixed(3)}`);
});

test('Fashion-MNIST from the Run sidebar: prepared, trained, zero-shot well above chance', async ({ page, guard }) => {
  void guard;
  const t0 = Date.now();
  await page.goto('/');
  await waitForBackend(page);
  await page.getByLabel('Dataset', { exact: true }).selectOption('fashion-mnist');
  await expect
    .poll(() => page.evaluate(() => {
      const d = (window as any).__clipLab.getDataState();
      const s = (window as any).__clipLab.getState();
      return d.builtin.status === 'ready' && s.config.dataset.kind === 'stored' && s.config.dataset.id === d.builtin.id;
    }), { timeout: 180_000, intervals: [250, 500, 1000] })
    .toBe(true);
  await expect(page.getByTestId('builtin-progress')).toHaveCount(0);
  await expect(page.getByLabel('Dataset', { exact: true })).toHaveValue('fashion-mnist');
  await expect(page.getByTestId('stored-dataset-info')).toContainText('class labels available');
  const tPrepared = Date.now();

  await setField(page, 'Batch size', 64);
  await setField(page, 'Steps', 150);
  await setField(page, 'Eval every', 0);
  const start = page.getByRole('button', { name: 'Start', exact: true });
  await expect(start).toBeEnabled();
  await start.click();
  await waitForState(page, ['done', 'error'], 420_000);
  expect(await workerErrors(page)).toEqual([]);
  expect(await storeState(page, 's.status.state')).toBe('done');
  const tDone = Date.now();

  const loss = await losses(page);
  expect(loss).toHaveLength(150);
  const first = mean(loss.slice(0, 10));
  const last = mean(loss.slice(-10));
  expect(last, `first 10 steps ${first.toFixed(3)}, last 10 steps ${last.toFixed(3)}`).toBeLessThan(0.7 * first);
  const evals = await storeState(page, 's.evals');
  const final = evals.at(-1);
  expect(final.step).toBe(150);
  expect(final.numClasses).toBe(10);
  expect(final.zeroShotAll).toBeGreaterThan(0.25); // chance is 0.1
  console.log(
    `fashion-mnist: prepared in ${((tPrepared - t0) / 1000).toFixed(1)} s, trained + evaluated in ${((tDone - tPrepared) / 1000).toFixed(1)} s ` +
      `(final eval ${(final.evalMs / 1000).toFixed(1)} s), zero-shot ${final.zeroShotAll.toFixed(3)}, loss ${first.toFixed(2)} → ${last.toFixed(2)}`,
  );
});
