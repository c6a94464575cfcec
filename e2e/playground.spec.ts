// The Try view on a model trained here: the zero-shot playground (a drawing made with real pointer
// events, a dropped PNG), its use while training runs (the run's losses are unchanged by it),
// retrieval search over the dataset, the evaluation suite, and bad input. One trained run is shared
// by every step (training once keeps the suite short).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, losses, setField, storeState, test, waitForBackend, waitForState, workerErrors } from './fixtures';

const LABELS = ['a red circle', 'a blue square', 'a green triangle'];
const RED = [220, 40, 40];

const tryState = <T = any>(page: Page, expr: string): Promise<T> =>
  page.evaluate((e) => {
    const s = (window as any).__clipLab.getTry();
    // eslint-disable-next-line no-new-func
    return JSON.parse(JSON.stringify(new Function('s', `return (${e});`)(s)));
  }, expr);

/** The ensemble's probabilities by label, once the answer for the current image and model is in. */
async function answer(page: Page): Promise<Record<string, number>> {
  await expect
    .poll(() => tryState(page, 's.result && s.image && s.model && s.result.imageKey === s.image.key && s.result.modelKey === s.model.key && !s.scoring'), { timeout: 30_000 })
    .toBe(true);
  const r = await tryState<{ labels: string[]; p: number[] }>(page, '{ labels: s.result.labels, p: s.result.ensemble.probabilities }');
  return Object.fromEntries(r.labels.map((l, i) => [l, r.p[i]!]));
}

/** Draws a filled disc with the thick brush: circles of shrinking radius, each one pointer stroke. */
async function drawDisc(page: Page, colour: string): Promise<void> {
  await page.getByRole('radio', { name: colour, exact: true }).click();
  await page.getByRole('radio', { name: 'thick', exact: true }).click();
  const box = (await page.getByTestId('draw-canvas').boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  for (const r of [0.14, 0.08, 0.02]) {
    await page.mouse.move(cx + r * box.width, cy);
    await page.mouse.down();
    for (let a = 0; a <= 2 * Math.PI + 0.2; a += 0.25) await page.mouse.move(cx + r * box.width * Math.cos(a), cy + r * box.height * Math.sin(a));
    await page.mouse.up();
  }
}

async function dropFile(page: Page, bytes: number[], name: string, type: string): Promise<void> {
  const dt = await page.evaluateHandle(({ bytes, name, type }) => {
    const d = new DataTransfer();
    d.items.add(new File([new Uint8Array(bytes)], name, { type }));
    return d;
  }, { bytes, name, type });
  const zone = page.getByTestId('image-drop');
  await zone.dispatchEvent('dragenter', { dataTransfer: dt });
  await zone.dispatchEvent('dragover', { dataTransfer: dt });
  await zone.dispatchEvent('drop', { dataTransfer: dt });
}

async function configureRun(page: Page): Promise<void> {
  await setField(page, 'Train pairs', 4096);
  await setField(page, 'Val pairs', 512);
  await setField(page, 'Batch size', 64);
  await setField(page, 'Steps', 300);
  await setField(page, 'Eval every', 0);
}

test('zero-shot playground, live use during training, search, evaluation suite and bad input', async ({ page, guard }) => {
  void guard;
  test.setTimeout(900_000);
  await page.goto('/');
  await waitForBackend(page);
  await configureRun(page);

  // Run A: the reference losses, nothing else happening.
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForState(page, ['done'], 420_000);
  const reference = await losses(page);
  expect(reference).toHaveLength(300);

  // Run B: the same config and seed, with the playground in use while it trains.
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForState(page, ['running']);
  await expect.poll(() => storeState(page, 's.status.step'), { timeout: 120_000 }).toBeGreaterThanOrEqual(10);
  await page.getByRole('tab', { name: 'Try' }).click();
  await expect(page).toHaveURL(/#try$/);
  await expect.poll(() => tryState(page, 's.model && s.model.source'), { timeout: 60_000 }).toBe('live');
  const firstStep = await tryState<number>(page, 's.model.step');
  // The canvas opens on a background like the dataset's (Shapes: dark grey).
  const background = await tryState<number[]>(page, 's.model.background');
  expect(background.every((c) => c >= 30 && c <= 60)).toBe(true);
  const corner = await page.getByTestId('draw-canvas').evaluate((c: HTMLCanvasElement) => Array.from(c.getContext('2d')!.getImageData(2, 2, 1, 1).data.slice(0, 3)));
  expect(corner).toEqual(background);
  await page.getByTestId('labels').fill(LABELS.join('\n'));
  await drawDisc(page, 'red');
  const during = await answer(page);
  expect(Object.keys(during).sort()).toEqual([...LABELS].sort());
  expect(Object.values(during).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  // Following the run: a later snapshot replaces the model while training goes on.
  await expect.poll(() => tryState(page, 's.model.step'), { timeout: 60_000 }).toBeGreaterThan(firstStep);
  await answer(page);
  await waitForState(page, ['done'], 420_000);
  expect(await losses(page)).toEqual(reference);

  // The trained model, at its last step: the hand-drawn red disc is "a red circle".
  await page.getByRole('button', { name: 'Snapshot now' }).click();
  await expect.poll(() => tryState(page, 's.model.step'), { timeout: 60_000 }).toBe(300);
  await page.getByRole('button', { name: 'Clear' }).click();
  await drawDisc(page, 'red');
  const drawn = await answer(page);
  expect(drawn['a red circle']).toBeGreaterThan(0.5);
  await expect(page.getByTestId('zs-ensemble').locator('.zs-top')).toHaveAttribute('data-label', 'a red circle');
  // What the model sees is the drawing cut down to 32×32, red in the middle.
  const seen = await tryState<{ size: number; centre: number[] }>(page, '{ size: s.image.size, centre: Array.from(s.image.rgb.subarray((16 * 32 + 16) * 3, (16 * 32 + 16) * 3 + 3)) }');
  expect(seen.size).toBe(32);
  expect(seen.centre[0]).toBeGreaterThan(RED[0]! - 40); // resampling blends a little background in
  expect(Math.max(seen.centre[1]!, seen.centre[2]!)).toBeLessThan(RED[1]! + 30);
  await page.screenshot({ path: 'test-results/playground-shapes.png', fullPage: true });

  // A PNG made here (a red disc on a dark background, not square): dropped on the File tab.
  const png = await page.evaluate(async () => {
    const c = new OffscreenCanvas(240, 180);
    const g = c.getContext('2d')!;
    g.fillStyle = 'rgb(44, 44, 44)';
    g.fillRect(0, 0, 240, 180);
    g.fillStyle = 'rgb(220, 40, 40)';
    g.beginPath();
    g.arc(120, 90, 40, 0, 2 * Math.PI);
    g.fill();
    return Array.from(new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer()));
  });
  await page.getByRole('tab', { name: 'File' }).click();
  await dropFile(page, png, 'red-circle.png', 'image/png');
  await expect(page.getByTestId('image-label')).toContainText('red-circle.png (240×180 → 32×32)');
  const dropped = await answer(page);
  expect(dropped['a red circle']).toBeGreaterThan(0.5);

  // Bad input: each a clear message; the playground keeps working afterwards.
  await dropFile(page, Array.from(Buffer.from('not a picture at all')), 'notes.png', 'image/png');
  await expect(page.getByTestId('image-error')).toContainText('notes.png');
  await expect(page.getByTestId('image-error')).toContainText('not an image');
  // A PNG header claiming 30000×30000 pixels is refused before decoding.
  const huge = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0x75, 0x30, 0, 0, 0x75, 0x30, 8, 2, 0, 0, 0, 0, 0, 0, 0];
  await dropFile(page, huge, 'huge.png', 'image/png');
  await expect(page.getByTestId('image-error')).toContainText('huge.png');
  await expect(page.getByTestId('image-error')).toContainText('megapixel');
  await expect(page.getByTestId('image-label')).toContainText('red-circle.png'); // the previous image stays
  await page.getByTestId('labels').fill('  \n ');
  await expect(page.getByTestId('zero-shot-error')).toContainText('Type at least one label');
  await page.getByTestId('labels').fill([...LABELS, 'a very large red circle in the top left corner of a dark background next to another shape'].join('\n'));
  await expect(page.getByTestId('zs-truncated')).toContainText('longer than the model');
  await page.getByTestId('labels').fill(LABELS.join('\n'));
  expect((await answer(page))['a red circle']).toBeGreaterThan(0.5);

  // Retrieval search: the dataset embedded once for this model, "a red circle" finds red circles.
  await page.getByRole('tab', { name: 'Search' }).click();
  await page.getByTestId('build-index').click();
  await expect(page.getByTestId('index-status')).toContainText('4,608 images', { timeout: 120_000 });
  await page.getByTestId('search-query').fill('a red circle');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const hits = page.getByTestId('search-results').locator('.search-hit');
  await expect(hits).toHaveCount(16);
  const captions = await hits.evaluateAll((els) => els.slice(0, 5).map((e) => e.getAttribute('data-caption') ?? ''));
  for (const c of captions) expect(c).toContain('red circle');
  await hits.first().click();
  await expect(page.getByTestId('image-captions')).toContainText('red circle');

  // The evaluation suite: well above chance, stored with the run's record and in the comparison.
  await page.getByRole('tab', { name: 'Evaluate' }).click();
  await page.getByTestId('run-suite').click();
  await expect(page.getByTestId('suite-result')).toBeVisible({ timeout: 300_000 });
  const suite = await tryState<any>(page, 's.suites.at(-1)');
  const chance = 1 / suite.zeroShot.classes.length;
  expect(suite.zeroShot.ensemble.top1).toBeGreaterThan(5 * chance);
  expect(suite.retrieval.i2t.r10).toBeGreaterThan(suite.retrieval.i2t.r1);
  expect(suite.linearProbe.testTop1).toBeGreaterThan(5 * chance);
  expect(suite.linearProbe.validation).toHaveLength(7);
  await expect(page.getByTestId('suite-compare').locator('tbody tr')).toHaveCount(1);
  expect(await workerErrors(page)).toEqual([]);

  // The headless tools on the same model, exported as a file: the same answers from the same code.
  const runId = await page.evaluate(() => (window as any).__clipLab.getModels().run.id);
  const download = page.waitForEvent('download');
  await page.evaluate((id) => (window as any).__clipLab.send({ type: 'exportModel', requestId: 'e2e-export', id }), runId);
  const modelFile = test.info().outputPath('model.safetensors');
  await (await download).saveAs(modelFile);
  const pngFile = test.info().outputPath('red-circle.png');
  writeFileSync(pngFile, Buffer.from(png));
  const cli = (script: string, args: string[]) => JSON.parse(execFileSync('node', [`scripts/${script}.mjs`, ...args], { encoding: 'utf8', timeout: 300_000 }));
  const zs = cli('zeroshot', ['--model', modelFile, '--labels', LABELS.join(','), '--image', pngFile]);
  expect(zs.results[0].predictions[0].label).toBe('a red circle');
  expect(zs.results[0].predictions[0].probability).toBeCloseTo(dropped['a red circle']!, 4);
  const ev = cli('eval', ['--model', modelFile, '--dataset', 'shapes']);
  expect(ev.zeroShot.ensemble.top1).toBeCloseTo(suite.zeroShot.ensemble.top1, 6);
  expect(ev.retrieval).toEqual(suite.retrieval);
});
