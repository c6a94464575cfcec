// Model files through the real UI: a trained model exported as .safetensors and imported into a
// FRESH browser profile gives the same zero-shot accuracy and the same embeddings; a model trained
// on an imported dataset keeps that dataset's tokenizer (in the file, and after import where the
// dataset is absent); a damaged file is refused with its name and the reason, storing nothing.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Browser, Page } from '@playwright/test';
import { bytesSource, readSafetensorsHeader } from '../src/model/files/safetensorsReader';
import { importViaForm, openDataTab, solidImages, storedDataset, tar, upload, wdsMembers } from './archives';
import { expect, guardPage, setField, storeState, test, trainerWorker, waitForBackend, waitForState, workerErrors, type Guard } from './fixtures';
import { COLOURS } from './testImages';

const PROBE_CAPTIONS = ['a red circle', 'a small blue square on the left', 'two green triangles', 'a yellow star'];

/** Embeddings of fixed probe inputs (deterministic images, PROBE_CAPTIONS) by the trainer's model. */
async function probeEmbeddings(page: Page): Promise<{ u: number[]; v: number[]; tokens: number[] }> {
  const worker = await trainerWorker(page);
  return worker.evaluate(async (captions) => {
    const tf = (globalThis as any).__clipLabTf;
    const run = (globalThis as any).__clipLabCheckpoint.session.run;
    const S = run.config.model.image.imageSize;
    const n = captions.length;
    const pixels = Float32Array.from({ length: n * S * S * 3 }, (_, i) => Math.sin(i * 0.37) * 0.9);
    const { tokens, eot } = run.tokenizer.encodeBatch(captions, run.config.model.text.contextLength);
    const x = tf.tensor4d(pixels, [n, S, S, 3]);
    const t = tf.tensor2d(tokens, [n, run.config.model.text.contextLength], 'int32');
    const e = tf.tensor1d(eot, 'int32');
    const u = run.model.encodeImages(x);
    const v = run.model.encodeTexts(t, e);
    const out = { u: Array.from(await u.data()) as number[], v: Array.from(await v.data()) as number[], tokens: Array.from(tokens) as number[] };
    tf.dispose([x, t, e, u, v]);
    return out;
  }, PROBE_CAPTIONS);
}

const maxAbsDiff = (a: number[], b: number[]) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

async function exportCurrentModel(page: Page, path: string): Promise<string> {
  const id = await page.evaluate(() => (window as any).__clipLab.getModels().run.id);
  await page.getByRole('tab', { name: /Models/ }).click();
  const row = page.locator(`[data-testid="model-row"][data-model-id="${id}"]`);
  await expect(row).toBeVisible();
  const download = page.waitForEvent('download');
  await row.getByRole('button', { name: 'Export', exact: true }).click();
  const d = await download;
  expect(d.suggestedFilename()).toMatch(/-step\d+\.safetensors$/);
  await d.saveAs(path);
  return id;
}

/** A page in a fresh browser profile (its own IndexedDB), under the same guard. */
async function freshPage(browser: Browser, baseURL: string, guard: Guard): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
  const page = await ctx.newPage();
  guardPage(page, guard, new URL(baseURL).origin);
  await page.goto(baseURL);
  await waitForBackend(page);
  return page;
}

async function importFile(page: Page, path: string): Promise<string> {
  await page.getByRole('tab', { name: /Models/ }).click();
  await page.getByTestId('model-file-input').setInputFiles(path);
  const result = page.getByTestId('model-import-result');
  await expect(result).toBeVisible({ timeout: 60_000 });
  return (await result.textContent()) ?? '';
}

async function useModel(page: Page, name: string): Promise<void> {
  const row = page.locator(`[data-testid="model-row"][data-model-name="${name}"]`);
  await row.getByRole('button', { name: 'Use this model', exact: true }).click();
  await waitForState(page, ['done', 'paused']);
}

test('export → import in a fresh profile: the same zero-shot accuracy and embeddings; a damaged file is refused', async ({ page, guard, browser, baseURL }, info) => {
  await page.goto('/');
  await waitForBackend(page);
  await setField(page, 'Train pairs', 1024);
  await setField(page, 'Val pairs', 256);
  await setField(page, 'Batch size', 48);
  await setField(page, 'Steps', 40);
  await setField(page, 'Eval every', 0);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForState(page, ['done'], 240_000);
  const before = (await storeState(page, 's.evals')).at(-1);
  expect(before.step).toBe(40);
  const probe = await probeEmbeddings(page);
  const file = info.outputPath('model.safetensors');
  await exportCurrentModel(page, file);
  const name: string = await page.evaluate(() => (window as any).__clipLab.getModels().run.name);
  await page.screenshot({ path: info.outputPath('models-view.png'), fullPage: true });

  const fresh = await freshPage(browser, baseURL!, guard);
  expect(await importFile(fresh, file)).toContain(`Imported model.safetensors as “${name}” (step 40)`);
  await useModel(fresh, name);
  expect(await storeState(fresh, 's.status.step')).toBe(40);
  const after = await probeEmbeddings(fresh);
  expect(after.tokens).toEqual(probe.tokens);
  expect(maxAbsDiff(after.u, probe.u)).toBeLessThanOrEqual(1e-6);
  expect(maxAbsDiff(after.v, probe.v)).toBeLessThanOrEqual(1e-6);
  // The history's evaluation at step 40 came with the file; a new one replaces it (same step, new timing).
  const loadedEval = (await storeState(fresh, 's.evals')).at(-1);
  expect(loadedEval.zeroShotAll).toBe(before.zeroShotAll);
  await fresh.evaluate(() => (window as any).__clipLab.send({ type: 'evaluate' }));
  await expect.poll(() => storeState(fresh, 's.evals.at(-1).evalMs'), { timeout: 120_000 }).not.toBe(loadedEval.evalMs);
  const again = (await storeState(fresh, 's.evals')).at(-1);
  console.log(`zero-shot before export ${before.zeroShotAll}, after import ${again.zeroShotAll}; gap ${before.gap} / ${again.gap}; max |Δu| ${maxAbsDiff(after.u, probe.u)}`);
  expect(again.zeroShotAll).toBe(before.zeroShotAll);
  expect(again.zeroShotSeen).toBe(before.zeroShotSeen);
  expect(Math.abs(again.gap - before.gap)).toBeLessThanOrEqual(1e-6);

  // A truncated copy: refused with the file name and the reason; the library still holds one model.
  const bytes = readFileSync(file);
  const broken = info.outputPath('broken.safetensors');
  writeFileSync(broken, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const refused = await importFile(fresh, broken);
  expect(refused).toMatch(/^Refused: broken\.safetensors: .+ Nothing was stored\.$/);
  await expect(fresh.getByTestId('model-row')).toHaveCount(1);

  // Rename, then delete (a second click confirms): the library follows, the checkpoint goes.
  const row = fresh.getByTestId('model-row');
  await row.getByRole('button', { name: 'Rename', exact: true }).click();
  await row.getByLabel('Model name').fill('my shapes model');
  await row.getByLabel('Model name').press('Enter');
  await expect(fresh.locator('[data-testid="model-row"][data-model-name="my shapes model"]')).toHaveCount(1);
  await row.getByRole('button', { name: 'Delete', exact: true }).click();
  await row.getByRole('button', { name: 'Confirm delete', exact: true }).click();
  await expect(fresh.getByTestId('model-row')).toHaveCount(0);
  await expect(fresh.getByTestId('models-table')).toContainText('No saved models yet');
  expect(await fresh.evaluate(() => (window as any).__clipLab.getModels().models.length)).toBe(0);
  expect(await workerErrors(fresh)).toEqual([]);
  await fresh.context().close();
});

test('a model trained on an imported dataset keeps its tokenizer, in the file and after import elsewhere', async ({ page, guard, browser, baseURL }, info) => {
  await openDataTab(page);
  await waitForBackend(page);
  const images = await solidImages(page, COLOURS, 32);
  const pairs = Array.from({ length: 64 }, (_, i) => ({ key: `k${i}`, image: images[i % 8]!, ext: 'png', caption: `a ${COLOURS[i % 8]} patch number ${i % 5}` }));
  await importViaForm(page, { name: 'patches', files: [upload('patches.tar', tar(wdsMembers(pairs)))], valPct: 25 });
  const ds = await storedDataset(page, 'patches');
  await page.locator(`[data-testid="dataset-row"][data-dataset-name="patches"]`).getByRole('button', { name: 'Train on this', exact: true }).click();
  await setField(page, 'Batch size', 16);
  await setField(page, 'Steps', 12);
  await setField(page, 'Eval every', 0);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForState(page, ['done'], 180_000);
  const worker = await trainerWorker(page);
  const tokenizer = await worker.evaluate(() => (globalThis as any).__clipLabCheckpoint.session.run.tokenizer.toJSON());
  expect(await storeState(page, 's.status.datasetId')).toBe(ds.id);
  const probe = await probeEmbeddings(page);
  const file = info.outputPath('patches-model.safetensors');
  await exportCurrentModel(page, file);

  // In the file: the tokenizer is the dataset's (vocabulary and merges), not a default one.
  const header = await readSafetensorsHeader(bytesSource(new Uint8Array(readFileSync(file))), 'patches-model.safetensors');
  expect(JSON.parse(header.metadata!.tokenizer!)).toEqual(tokenizer);
  expect(JSON.parse(header.metadata!.training!).dataset).toMatchObject({ id: ds.id, name: 'patches' });

  // Elsewhere (no 'patches' dataset there): the model loads for inference with the same tokenizer.
  const fresh = await freshPage(browser, baseURL!, guard);
  const text = await importFile(fresh, file);
  expect(text).toContain('Imported patches-model.safetensors');
  const name = await fresh.evaluate(() => (window as any).__clipLab.getModels().lastImport.model.name);
  await useModel(fresh, name);
  const w2 = await trainerWorker(fresh);
  expect(await w2.evaluate(() => (globalThis as any).__clipLabCheckpoint.session.run.tokenizer.toJSON())).toEqual(tokenizer);
  const after = await probeEmbeddings(fresh);
  expect(after.tokens).toEqual(probe.tokens);
  expect(maxAbsDiff(after.u, probe.u)).toBeLessThanOrEqual(1e-6);
  expect(maxAbsDiff(after.v, probe.v)).toBeLessThanOrEqual(1e-6);
  expect(await storeState(fresh, 's.lastPhaseProgress.message')).toMatch(/^Loaded at step 12 for inference only: patches is not in storage/);
  expect(await storeState(fresh, 's.status.state')).toBe('done');
  expect(await workerErrors(fresh)).toEqual([]);
  await fresh.context().close();
});
