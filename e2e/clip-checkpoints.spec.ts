// A real CLIP brought from disk through the Models tab (the PyTorch-made fixture of
// test/fixtures/clip: a 64-px ViT in the Hugging Face layout, F16): a folder without its config is
// refused by name with nothing stored; the folder is read in the inference worker, stored, listed
// with its origin, and gives the PyTorch reference's zero-shot probabilities from PNG images typed
// labels in the Try view; it searches and feeds the Gap lab on an imported 32-px dataset (at 64 px,
// from the kept images: a cached view) and fine-tunes there (projections only: timed first, the towers unchanged);
// it is still there after a reload; delete frees its chunks.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { importViaForm, openDataTab, rgbPng, solidImages, storedDataset, tar, upload, wdsMembers } from './archives';
import { expect, losses, setField, test, trainerWorker, waitForBackend, waitForState, workerErrors } from './fixtures';
import { COLOURS } from './testImages';

const MODEL_DIR = join(process.cwd(), 'test', 'fixtures', 'clip', 'vit64_gelu_f16', 'hf');
const ref = JSON.parse(readFileSync(join(MODEL_DIR, '..', 'reference.json'), 'utf8')) as {
  imageSize: number;
  images: number[][];
  captions: string[];
  logits: number[];
  logitScale: number;
};

/** Reference image i as a PNG made in the page, scored against the reference captions (template "{}"). */
async function zeroShotOfReference(page: Page, i: number): Promise<{ probabilities: number[]; cosines: number[]; logitScale: number }> {
  return page.evaluate(
    async ({ rgb, S, labels, key }) => {
      const c = new OffscreenCanvas(S, S);
      const ctx = c.getContext('2d')!;
      const data = ctx.createImageData(S, S);
      for (let p = 0; p < S * S; p++) data.data.set([rgb[p * 3]!, rgb[p * 3 + 1]!, rgb[p * 3 + 2]!, 255], p * 4);
      ctx.putImageData(data, 0, 0);
      const blob = await c.convertToBlob({ type: 'image/png' });
      const hook = (window as any).__clipLab;
      await hook.inferenceRequest({ type: 'setImage', requestId: `img-${key}`, imageKey: key, image: { kind: 'encoded', blob, name: `${key}.png` } });
      const r = await hook.inferenceRequest({ type: 'zeroShot', requestId: `zs-${key}`, imageKey: key, labels, templates: ['{}'], singleTemplate: 0 });
      return { probabilities: r.ensemble.probabilities, cosines: r.ensemble.cosines, logitScale: r.logitScale };
    },
    { rgb: ref.images[i]!, S: ref.imageSize, labels: ref.captions, key: `ref-${i}` },
  );
}

const softmax = (x: number[]) => {
  const m = Math.max(...x);
  const e = x.map((v) => Math.exp(v - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
};
const maxAbsDiff = (a: number[], b: number[]) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

async function clipRows(page: Page): Promise<{ id: string; name: string; kind: string; bytes: number }[]> {
  return page.evaluate(() => (window as any).__clipLab.getModels().models.filter((m: any) => m.kind === 'clip').map((m: any) => ({ id: m.id, name: m.name, kind: m.kind, bytes: m.bytes })));
}

/** Sum of the image tower's first attention weights in the trainer's model (frozen towers keep it). */
async function towerChecksum(page: Page): Promise<number> {
  const worker = await trainerWorker(page);
  return worker.evaluate(async () => {
    const run = (globalThis as any).__clipLabCheckpoint.session.run;
    const v = await run.model.params.get('img.blocks.0.attn.q.w').data();
    return v.reduce((a: number, x: number, i: number) => a + x * ((i % 7) + 1), 0);
  });
}

async function chunkCount(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('clip-lab');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction('checkpointChunks').objectStore('checkpointChunks').count();
          req.onsuccess = () => {
            resolve(req.result);
            open.result.close();
          };
          req.onerror = () => reject(req.error);
        };
      }),
  );
}

test('a CLIP checkpoint folder: refused without its config, stored, the reference zero-shot, search, Gap lab and fine-tuning on a 32-px dataset, kept across a reload, deleted', async ({ page, guard }) => {
  void guard; // console errors, page errors and foreign requests fail the test
  test.setTimeout(240_000);
  await openDataTab(page);
  await waitForBackend(page);
  const images = await solidImages(page, COLOURS, 32);
  const pairs = Array.from({ length: 64 }, (_, i) => ({ key: `k${i}`, image: images[i % 8]!, ext: 'png', caption: `a ${COLOURS[i % 8]} patch` }));
  await importViaForm(page, { name: 'patches', files: [upload('patches.tar', tar(wdsMembers(pairs)))], valPct: 25 });
  const ds = await storedDataset(page, 'patches');

  await page.getByRole('tab', { name: /Models/ }).click();
  // The weights alone: refused by name, nothing stored.
  await page.getByTestId('clip-files-input').setInputFiles(join(MODEL_DIR, 'model.safetensors'));
  await expect(page.getByTestId('clip-import-result')).toContainText(/Refused: .*model\.safetensors has no config beside it \(config\.json\).*Nothing was stored\./);
  expect(await clipRows(page)).toEqual([]);
  expect(await chunkCount(page)).toBe(0);

  // The folder.
  await page.getByTestId('clip-folder-input').setInputFiles(MODEL_DIR);
  await expect(page.getByTestId('clip-import-result')).toContainText(/Stored “hf”: ViT \(width 64, 2 layers, patch 16\), 0\.\d M weights/, { timeout: 60_000 });
  const [stored] = await clipRows(page);
  expect(stored).toBeDefined();
  const row = page.locator(`[data-testid="model-row"][data-model-id="${stored!.id}"]`);
  await expect(row.getByTestId('clip-origin')).toContainText('ViT (width 64, 2 layers, patch 16) · 64 px · Hugging Face layout · F16 file of');
  await expect(row).toContainText('CLIP checkpoint');
  await expect(row).toContainText('pretrained');
  await expect(row.getByRole('button', { name: 'Use this model', exact: true })).toHaveCount(0);

  // Try it: the PyTorch reference's logits, as probabilities over the captions.
  await row.getByRole('button', { name: 'Try it', exact: true }).click();
  await expect.poll(() => page.evaluate(() => (window as any).__clipLab.getTry().model?.modelId ?? null), { timeout: 60_000 }).toBe(stored!.id);
  const C = ref.captions.length;
  for (const i of [0, 1]) {
    const r = await zeroShotOfReference(page, i);
    const logits = ref.logits.slice(i * C, (i + 1) * C);
    expect(maxAbsDiff(r.cosines, logits.map((l) => l / ref.logitScale))).toBeLessThan(1e-4);
    expect(maxAbsDiff(r.probabilities, softmax(logits))).toBeLessThan(1e-3);
    expect(r.logitScale).toBeCloseTo(ref.logitScale, 2);
  }

  // Search over the imported 32-px dataset, at 64 px from its kept images: every image found.
  const search = await page.evaluate(async (datasetId) => {
    const hook = (window as any).__clipLab;
    const ix = await hook.inferenceRequest({ type: 'buildIndex', requestId: 'ix', datasetId });
    const s = await hook.inferenceRequest({ type: 'search', requestId: 'q', query: 'a red patch', k: 8 });
    return { images: ix.images, hits: s.hits.length };
  }, ds.id);
  expect(search).toEqual({ images: 64, hits: 8 });
  // The inference worker derived the 64-px view from the kept PNGs and cached it: each image is its
  // solid colour at 64 × 64 (not the 32-px pixels blown up), next to the stored 32-px shard.
  const view = await page.evaluate(
    (id) =>
      new Promise<{ keys: string[]; bytes: number; count: number; first: number[]; stored: number[] }>((resolve, reject) => {
        const open = indexedDB.open('clip-lab');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(['shardViews', 'shards']);
          const v = tx.objectStore('shardViews').get(`${id}/train/000000@64`);
          const s = tx.objectStore('shards').get(`${id}/train/000000`);
          const keys = tx.objectStore('shardViews').getAllKeys();
          tx.oncomplete = () => {
            open.result.close();
            resolve({ keys: (keys.result as string[]).filter((k) => k.startsWith(`${id}/`)), bytes: v.result.images.length, count: v.result.count, first: Array.from(v.result.images.subarray(0, 3)), stored: Array.from(s.result.images.subarray(0, 3)) });
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    ds.id,
  );
  expect(view.keys.sort()).toEqual([`${ds.id}/train/000000@64`, `${ds.id}/val/000000@64`]);
  expect(view.bytes).toBe(view.count * 64 * 64 * 3);
  expect(view.first).toEqual(view.stored);

  // The Gap lab measures it on that dataset (it has none of its own here).
  await page.getByRole('tab', { name: /Gap/ }).click();
  await page.getByTestId('gap-source').selectOption(`stored:${stored!.id}`);
  await expect(page.getByTestId('gap-dataset')).toBeVisible();
  await expect.poll(() => page.evaluate(() => (window as any).__clipLab.getGap().stored?.probe.datasetName ?? null), { timeout: 60_000 }).toBe('patches');
  const gap = await page.evaluate(() => (window as any).__clipLab.getGap().stored.snapshots[0].metrics.centroidDistance);
  expect(gap).toBeGreaterThan(0);
  expect(gap).toBeLessThan(2);

  // Fine-tune its projections and temperature on the imported data: timed first, then trained; the towers stay as they were.
  await page.getByRole('tab', { name: /Models/ }).click();
  await row.getByRole('button', { name: 'Fine-tune…', exact: true }).click();
  await page.getByRole('tab', { name: /Data/ }).click();
  await page.locator('[data-testid="dataset-row"][data-dataset-name="patches"]').getByRole('button', { name: 'Train on this', exact: true }).click();
  await expect(page.getByTestId('fine-tune-settings')).toContainText('Starts from hf');
  await setField(page, 'Batch size', 8);
  await setField(page, 'Steps', 8);
  await setField(page, 'Eval every', 0);
  await page.getByRole('button', { name: 'Prepare and estimate', exact: true }).click();
  await expect(page.getByTestId('fine-tune-estimate')).toContainText(/About \d+(\.\d)? s a step on \w+: .* for 8 steps\./, { timeout: 60_000 });
  const towerBefore = await towerChecksum(page);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForState(page, ['done'], 180_000);
  const fineLosses = await losses(page);
  expect(fineLosses.length).toBe(8);
  expect(await towerChecksum(page)).toBe(towerBefore);
  const ftRun = await page.evaluate(() => (window as any).__clipLab.getModels().run);
  expect(ftRun.config.init).toMatchObject({ modelId: stored!.id, train: 'projections' });
  expect(ftRun.config.model.image.imageSize).toBe(64);

  // Kept in the browser: after a reload it is listed and loads again.
  await page.reload();
  await waitForBackend(page);
  await page.getByRole('tab', { name: /Models/ }).click();
  await expect(row).toBeVisible();
  await row.getByRole('button', { name: 'Try it', exact: true }).click();
  await expect.poll(() => page.evaluate(() => (window as any).__clipLab.getTry().model?.modelId ?? null), { timeout: 60_000 }).toBe(stored!.id);
  const again = await zeroShotOfReference(page, 0);
  expect(maxAbsDiff(again.cosines, ref.logits.slice(0, C).map((l) => l / ref.logitScale))).toBeLessThan(1e-4);

  // Delete frees its chunks.
  await page.getByRole('tab', { name: /Models/ }).click();
  // (the fine-tuning run keeps its own checkpoint)
  const chunksBefore = await chunkCount(page);
  await row.getByRole('button', { name: /Delete/ }).click();
  const confirm = row.getByRole('button', { name: /Confirm|Delete/ });
  if (await confirm.count()) await confirm.first().click();
  await expect.poll(() => clipRows(page)).toEqual([]);
  expect(await chunkCount(page)).toBe(chunksBefore - Math.ceil(stored!.bytes / (4 << 20)));
  expect(await workerErrors(page)).toEqual([]);
});

test('npm run zeroshot and npm run eval take --model DIR (a CLIP checkpoint folder)', async ({}, info) => {
  test.setTimeout(300_000);
  const dir = join(process.cwd(), 'test', 'fixtures', 'clip', 'vit32_quickgelu_f32', 'openclip');
  const r32 = clipReferenceOf('vit32_quickgelu_f32');
  mkdirSync(info.outputDir, { recursive: true });
  // Reference image 0 as a PNG file.
  const png = join(info.outputDir, 'ref0.png');
  writeFileSync(png, rgbPng(r32.images[0]!, r32.imageSize));
  // The reference captions (one has commas; the empty one is left out) as a labels file, scored with the template "{}".
  const kept = r32.captions.map((c, j) => [c, j] as const).filter(([c]) => c.trim() !== '');
  const labels = join(info.outputDir, 'labels.txt');
  writeFileSync(labels, kept.map(([c]) => c).join('\n'));
  const zs = JSON.parse(execFileSync('node', ['scripts/zeroshot.mjs', '--model', dir, '--labels-file', labels, '--templates', templatesFile(info.outputDir), '--image', png], { encoding: 'utf8', timeout: 120_000 }));
  const got = new Map<string, number>(zs.results[0].predictions.map((p: { label: string; cosine: number }) => [p.label, p.cosine]));
  expect(got.size).toBe(kept.length);
  expect(maxAbsDiff(kept.map(([c]) => got.get(c)!), kept.map(([, j]) => r32.logits[j]! / r32.logitScale))).toBeLessThan(1e-4);
  const out = join(info.outputDir, 'eval.json');
  execFileSync('node', ['scripts/eval.mjs', '--model', dir, '--dataset', 'fashion-mnist', '--json', out], { encoding: 'utf8', timeout: 240_000 });
  const ev = JSON.parse(readFileSync(out, 'utf8'));
  expect(ev.datasetName).toMatch(/Fashion-MNIST/);
  expect(ev.modelStep).toBe(0);
  expect(ev.zeroShot.ensemble.top1).toBeGreaterThanOrEqual(0);
  expect(ev.retrieval).toBeDefined();
});

function clipReferenceOf(model: string): typeof ref {
  return JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', 'clip', model, 'reference.json'), 'utf8'));
}

function templatesFile(dir: string): string {
  const f = join(dir, 'templates.txt');
  writeFileSync(f, '{}\n');
  return f;
}

