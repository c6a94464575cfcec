// Data pipeline benchmark (issue 3): import throughput, streaming throughput of the
// shard reader, and the trainer's data-wait share, for the default preset on each
// dataset kind; and a model of another image size reading the imported data through a
// view derived from its kept images (first read: decode and cache; then: from the cache).
// Ratios are measured in one run; absolute numbers depend on the machine.
import { writeFileSync, mkdirSync } from 'node:fs';
import { test, expect, type Page } from '@playwright/test';
import { TAR_END, tarFileParts } from '../src/data/formats/tarWriter';
import { machineInfo } from './machine';

const BATCH = 64;
const READER_BATCHES = 60;
const TRAIN_STEPS = 80;
const IMPORT_PAIRS = 384;
const IMPORT_SIDE = 160;
const VIEW_SIZE = 64;

async function jpegs(page: Page, n: number, side: number): Promise<Buffer[]> {
  const b64: string[] = await page.evaluate(
    async ({ n, side }) => {
      const out: string[] = [];
      for (let i = 0; i < n; i++) {
        const c = new OffscreenCanvas(side, side);
        const g = c.getContext('2d')!;
        g.fillStyle = `hsl(${(i * 47) % 360} 60% 30%)`;
        g.fillRect(0, 0, side, side);
        for (let k = 0; k < 12; k++) {
          g.fillStyle = `hsl(${(i * 13 + k * 29) % 360} 80% ${40 + (k % 4) * 10}%)`;
          g.beginPath();
          g.arc(((i + 1) * (k + 3) * 37) % side, ((i + 2) * (k + 5) * 53) % side, 8 + ((i + k) % 20), 0, 7);
          g.fill();
        }
        const blob = await c.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
        const bytes = new Uint8Array(await blob.arrayBuffer());
        let s = '';
        for (let j = 0; j < bytes.length; j++) s += String.fromCharCode(bytes[j]);
        out.push(btoa(s));
      }
      return out;
    },
    { n, side },
  );
  return b64.map((s) => Buffer.from(s, 'base64'));
}

function webdatasetTar(images: Buffer[]): Buffer {
  const parts: Uint8Array[] = [];
  images.forEach((img, i) => {
    const key = String(i).padStart(6, '0');
    parts.push(...tarFileParts(`${key}.jpg`, img), ...tarFileParts(`${key}.txt`, new TextEncoder().encode(`a synthetic picture number ${i % 50} with ${(i * 7) % 12} circles`)));
  });
  parts.push(TAR_END);
  return Buffer.concat(parts);
}

const dataState = (page: Page) => page.evaluate(() => JSON.parse(JSON.stringify((window as any).__clipLab.getDataState())));
const uiState = (page: Page, expr: string) =>
  page.evaluate((e) => JSON.parse(JSON.stringify(new Function('s', `return (${e});`)((window as any).__clipLab.getState()))), expr);

/** Configures a run (the model at `imageSize`, default the preset's) and waits until it is ready. */
async function configure(page: Page, dataset: unknown, imageSize?: number) {
  await page.evaluate(
    ({ dataset, BATCH, TRAIN_STEPS, imageSize }) => {
      const s = (window as any).__clipLab.getState();
      s.setConfig((c: any) => ({
        ...c,
        dataset: dataset ?? c.dataset,
        batchSize: BATCH,
        steps: TRAIN_STEPS,
        evalEvery: 0,
        model: { ...c.model, image: { ...c.model.image, imageSize: imageSize ?? c.model.image.imageSize } },
      }));
    },
    { dataset, BATCH, TRAIN_STEPS, imageSize },
  );
  const config = await uiState(page, 's.config');
  await page.evaluate((config) => (window as any).__clipLab.send({ type: 'configure', config }), config);
  await expect.poll(() => uiState(page, 's.status.state'), { timeout: 300_000 }).toBe('ready');
}

/** The trainer's reader benchmark over `batches` batches; also its wall time seen from the page (first shard loads included). */
async function readerBench(page: Page, batches: number): Promise<{ msPerBatch: number; batchesPerSec: number; wallMs: number }> {
  const before = JSON.stringify(await uiState(page, 's.readerBench'));
  const t0 = Date.now();
  await page.evaluate((n) => (window as any).__clipLab.send({ type: 'benchmarkReader', requestId: 'reader', batches: n }), batches);
  await expect.poll(async () => JSON.stringify(await uiState(page, 's.readerBench')), { timeout: 300_000, intervals: [20] }).not.toBe(before);
  return { ...(await uiState(page, 's.readerBench')), wallMs: Date.now() - t0 };
}

async function configureAndMeasure(page: Page, dataset: unknown, label: string, imageSize?: number) {
  await configure(page, dataset, imageSize);
  const reader = await readerBench(page, READER_BATCHES);
  await page.evaluate(() => (window as any).__clipLab.send({ type: 'start' }));
  await expect.poll(() => uiState(page, 's.status.state'), { timeout: 600_000 }).toBe('done');
  const m = await uiState(page, '{ stepMs: s.metrics.toArrays().stepMs, wait: s.status.dataWaitShare }');
  const steady = (m.stepMs as number[]).slice(20); // skip warm-up windows
  const stepMs = steady.reduce((a, b) => a + b, 0) / steady.length;
  return { label, readerMsPerBatch: reader.msPerBatch, readerBatchesPerSec: reader.batchesPerSec, trainStepMs: stepMs, dataWaitShare: m.wait, readerShareOfStep: reader.msPerBatch / stepMs };
}

test('data pipeline benchmark', async ({ page, browser }) => {
  await page.goto('/');
  await expect.poll(() => uiState(page, 's.backend?.active ?? null'), { timeout: 120_000 }).not.toBeNull();
  const backend = await uiState(page, 's.backend');

  // ---- import throughput (WebDataset tar through the real UI controls)
  const tar = webdatasetTar(await jpegs(page, IMPORT_PAIRS, IMPORT_SIDE));
  await page.getByRole('tab', { name: 'Data' }).click();
  await page.getByLabel('Import format').selectOption('webdataset');
  await page.getByLabel('Dataset name').fill('bench-import');
  await page.getByLabel('Files', { exact: true }).setInputFiles({ name: 'bench-000000.tar', mimeType: 'application/x-tar', buffer: tar });
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('import-summary')).toBeVisible({ timeout: 300_000 });
  const importSeconds = (Date.now() - t0) / 1000;
  const summary = (await dataState(page)).importJob.summary;
  expect(summary.imported).toBe(IMPORT_PAIRS);
  const importedId = summary.datasetId as string;

  // ---- built-in Fashion-MNIST conversion (first use)
  const t1 = Date.now();
  await page.evaluate(() => (window as any).__clipLab.sendData({ type: 'ensureBuiltin', requestId: 'fmnist', name: 'fashion-mnist', imageSize: 32, vocabSize: 256 }));
  await expect.poll(async () => (await dataState(page)).builtin?.id ?? null, { timeout: 300_000 }).not.toBeNull();
  const fashionSeconds = (Date.now() - t1) / 1000;
  const fashionId = (await dataState(page)).builtin.id as string;
  await page.getByRole('tab', { name: 'Train' }).click();

  // ---- streaming vs training, default tiny preset, batch 64
  const rows = [];
  rows.push(await configureAndMeasure(page, null, 'Shapes (generated)'));
  rows.push(await configureAndMeasure(page, { kind: 'stored', id: fashionId }, 'Fashion-MNIST (built in)'));
  rows.push(await configureAndMeasure(page, { kind: 'stored', id: importedId }, 'imported WebDataset'));

  // ---- a 64-px model on the 32-px import: a view derived from the kept 160-px JPEGs. The reader's
  // shuffle buffer spans the whole training split, so its first batch reads every training shard.
  await configure(page, { kind: 'stored', id: importedId }, VIEW_SIZE);
  const trainPairs = (await dataState(page)).datasets.find((d: any) => d.id === importedId).trainPairs as number;
  const cold = await readerBench(page, 1);
  const warm = await readerBench(page, 1);
  const view = { size: VIEW_SIZE, trainPairs, firstReadMs: cold.wallMs, cachedReadMs: warm.wallMs, firstReadMsPerImage: cold.wallMs / trainPairs, speedup: cold.wallMs / warm.wallMs };
  rows.push(await configureAndMeasure(page, { kind: 'stored', id: importedId }, `imported @ ${VIEW_SIZE} px (kept)`, VIEW_SIZE));

  const result = {
    date: new Date().toISOString(),
    machine: machineInfo(),
    browser: browser.version(),
    backend: backend.active,
    adapter: backend.adapter,
    import: {
      webdataset: { pairs: IMPORT_PAIRS, source: `${IMPORT_SIDE}×${IMPORT_SIDE} JPEG`, tarBytes: tar.length, seconds: importSeconds, pairsPerSec: IMPORT_PAIRS / importSeconds },
      fashionMnist: { pairs: 12000, seconds: fashionSeconds, pairsPerSec: 12000 / fashionSeconds },
    },
    streaming: rows,
    view,
    batchSize: BATCH,
    preset: 'tiny',
  };
  const lines = [
    `CLIP Lab data benchmark — ${result.browser}, backend ${result.backend}, ${result.machine.cpus} CPUs (${result.machine.cpu})`,
    '',
    'import                         pairs    seconds   pairs/s',
    `WebDataset tar (${IMPORT_SIDE}px JPEG)     ${String(IMPORT_PAIRS).padStart(5)}  ${importSeconds.toFixed(2).padStart(9)}  ${(IMPORT_PAIRS / importSeconds).toFixed(0).padStart(8)}`,
    `Fashion-MNIST (built in)       ${String(12000).padStart(5)}  ${fashionSeconds.toFixed(2).padStart(9)}  ${(12000 / fashionSeconds).toFixed(0).padStart(8)}`,
    '',
    `streaming (batch ${BATCH})          reader ms/batch  batches/s  train ms/step  reader/step  trainer data wait`,
    ...rows.map(
      (r) =>
        `${r.label.padEnd(28)} ${r.readerMsPerBatch.toFixed(2).padStart(15)}  ${r.readerBatchesPerSec.toFixed(1).padStart(9)}  ${r.trainStepMs.toFixed(1).padStart(13)}  ${(100 * r.readerShareOfStep).toFixed(1).padStart(10)}%  ${(100 * r.dataWaitShare).toFixed(2).padStart(16)}%`,
    ),
    '',
    `view at ${VIEW_SIZE} px from kept images   first read (decode + cache)   cached read   ratio`,
    `${String(trainPairs).padStart(5)} training images              ${`${cold.wallMs} ms (${view.firstReadMsPerImage.toFixed(2)} ms/image)`.padStart(27)}  ${`${warm.wallMs} ms`.padStart(12)}  ${view.speedup.toFixed(1).padStart(5)}×`,
  ];
  console.log(`\n${lines.join('\n')}\n`);
  mkdirSync('bench-results', { recursive: true });
  const file = `bench-results/data-${result.date.replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(`wrote ${file}`);
});
