// The modality-gap lab on a run trained here: the probe is recorded from step 0; the map draws both
// modalities at step 0 and after training (pixels of both colours on the canvas) and the points move;
// the timeline replays the recorded steps (the same frame comes back for the same step) without long
// tasks on the main thread; a stored model is recorded by the inference worker with the same numbers;
// the evaluation carries the gap metrics; every lesson runs from one click to a result; and the headless
// trainer's JSON has a gap object per evaluation.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, setField, storeState, test, waitForBackend, waitForState, workerErrors } from './fixtures';

const STEPS = 150;
const GAP_EVERY = 30;

const gapState = <T = any>(page: Page, expr: string): Promise<T> =>
  page.evaluate((e) => {
    const s = (window as any).__clipLab.getGap();
    // eslint-disable-next-line no-new-func
    return JSON.parse(JSON.stringify(new Function('s', `return (${e});`)(s)));
  }, expr);

/** Pixels of the map that read as the image colour (orange) and the caption colour (blue), and a checksum. */
async function mapPixels(page: Page): Promise<{ orange: number; blue: number; sum: number }> {
  return page.getByTestId('gap-map').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let orange = 0;
    let blue = 0;
    let sum = 0;
    for (let i = 0; i < d.length; i += 4) {
      const [r, g, b] = [d[i]!, d[i + 1]!, d[i + 2]!];
      if (r > 150 && r > b + 60 && g > 90) orange++;
      if (b > 150 && b > r + 60) blue++;
      sum = (sum * 31 + r + 7 * g + 13 * b) % 1_000_000_007;
    }
    return { orange, blue, sum };
  });
}

test('gap lab: live recordings, map, timeline, stored model, and every lesson', async ({ page, guard }) => {
  void guard;
  test.setTimeout(900_000);
  await page.goto('/');
  await waitForBackend(page);
  await setField(page, 'Train pairs', 4096);
  await setField(page, 'Val pairs', 512);
  await setField(page, 'Batch size', 32);
  await setField(page, 'Steps', STEPS);
  await setField(page, 'Eval every', 0);
  await setField(page, 'Gap every', GAP_EVERY);
  await page.getByRole('button', { name: 'Start', exact: true }).click();

  // Step 0 is recorded before the first update: the map draws both modalities.
  await expect.poll(() => gapState(page, 's.live?.snapshots.length ?? 0'), { timeout: 120_000 }).toBeGreaterThanOrEqual(1);
  expect(await gapState(page, 's.live.snapshots[0].step')).toBe(0);
  const tensorsEarly = await storeState<number>(page, 's.status.numTensors');
  await page.getByRole('tab', { name: /Gap lab/ }).click();
  await expect.poll(async () => (await mapPixels(page)).orange, { timeout: 30_000 }).toBeGreaterThan(40);
  const early = await mapPixels(page);
  expect(early.blue).toBeGreaterThan(40);

  await waitForState(page, ['done'], 420_000);
  const steps = await gapState<number[]>(page, 's.live.snapshots.map((x) => x.step)');
  expect(steps).toEqual([0, 30, 60, 90, 120, 150]);
  expect(await storeState<number>(page, 's.status.numTensors')).toBe(tensorsEarly);
  const m = await gapState<any[]>(page, 's.live.snapshots.map((x) => x.metrics)');
  console.log(`gap metrics step 0 → ${STEPS}:`, JSON.stringify({ first: { ...m[0], perDimension: undefined }, last: { ...m.at(-1), perDimension: undefined } }));
  // At initialisation the image tower's cone is narrow and the two modalities sit apart.
  expect(m[0].coneImage).toBeGreaterThan(0.5);
  expect(m[0].centroidDistance).toBeGreaterThan(0.5);
  expect(m[0].separability).toBeGreaterThan(0.95);
  expect(m.at(-1).alignment).toBeLessThan(m[0].alignment);
  // The final evaluation carries the gap metrics too (on up to 1024 validation pairs).
  const ev = await storeState<any>(page, 's.evals.at(-1).gapMetrics');
  for (const k of ['centroidDistance', 'relativeGap', 'separability', 'coneImage', 'coneText', 'alignment', 'uniformity']) expect(Number.isFinite(ev[k]), k).toBe(true);
  expect(Math.abs(ev.centroidDistance - m.at(-1).centroidDistance)).toBeLessThan(0.1);

  // After training: both colours still, and the picture changed.
  await expect.poll(async () => (await mapPixels(page)).sum, { timeout: 30_000 }).not.toBe(early.sum);
  const late = await mapPixels(page);
  expect(late.orange).toBeGreaterThan(40);
  expect(late.blue).toBeGreaterThan(40);

  // Timeline: axes fixed on the first step; step 0 drawn, replayed to the end, and step 0 again is the same frame.
  await page.getByLabel('Axes fitted on').selectOption('first');
  const slider = page.getByRole('slider', { name: 'Recorded step' });
  await slider.fill('0');
  await expect(page.getByTestId('gap-step')).toContainText('step 0 ');
  await page.waitForTimeout(500);
  const frame0 = await mapPixels(page);
  await page.evaluate(() => {
    (window as any).__longTasks = [];
    new PerformanceObserver((l) => (window as any).__longTasks.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask', buffered: false });
  });
  const seen = new Set<number>();
  await page.getByRole('button', { name: 'Play' }).click();
  await expect
    .poll(
      async () => {
        const s = await gapState<number | null>(page, 's.selected');
        if (s !== null) seen.add(s);
        return gapState(page, 's.selected');
      },
      { timeout: 30_000, intervals: [100] },
    )
    .toBe(5);
  expect(seen.size).toBeGreaterThanOrEqual(3);
  const longTasks = await page.evaluate(() => (window as any).__longTasks as number[]);
  console.log(`playback: steps seen ${[...seen].join(', ')}, main-thread long tasks ${JSON.stringify(longTasks)}`);
  expect(Math.max(0, ...longTasks)).toBeLessThanOrEqual(50);
  await slider.fill('0');
  await expect.poll(async () => (await mapPixels(page)).sum, { timeout: 10_000 }).toBe(frame0.sum);
  expect(frame0.sum).not.toBe(late.sum);

  // The 3-D sphere and UMAP draw both modalities.
  await page.getByRole('button', { name: 'Sphere 3-D' }).click();
  await expect.poll(async () => Math.min((await mapPixels(page)).orange, (await mapPixels(page)).blue), { timeout: 10_000 }).toBeGreaterThan(30);
  await page.getByRole('button', { name: 'UMAP' }).click();
  await page.getByRole('button', { name: /Compute UMAP of step 0/ }).click();
  await expect.poll(async () => Math.min((await mapPixels(page)).orange, (await mapPixels(page)).blue), { timeout: 60_000 }).toBeGreaterThan(30);
  await page.getByRole('button', { name: 'PCA 2-D' }).click();

  // Lessons that read the recordings (the final step on the timeline).
  await page.getByRole('button', { name: 'follow newest' }).click();
  const lesson = (id: string) => page.getByTestId(`lesson-${id}`);
  const ours = (id: string) => lesson(id).getByTestId(`lesson-${id}-ours`);
  await lesson('sphere').getByRole('button', { name: 'Run the sphere lesson' }).click();
  await expect(ours('sphere').first()).toHaveText(/^7[5-9]\.\d°$/);
  await expect(ours('sphere').nth(1)).toHaveText(/^0\.8[0-2]\d$/);
  await lesson('shift').getByRole('button', { name: /Sweep δ at step 150/ }).click();
  await expect(lesson('shift').getByTestId('shift-loss')).toBeVisible({ timeout: 60_000 });
  await expect(ours('shift').first()).toHaveText(/^δ = -?\d/);
  await lesson('cone').getByLabel('Seeds').fill('1, 2, 3');
  await lesson('cone').getByRole('button', { name: 'Initialise 3 models' }).click();
  await expect(lesson('cone').getByTestId('cone-seeds')).toBeVisible({ timeout: 120_000 });
  await expect(ours('cone').nth(2)).toHaveText(/^[01]\.\d{3} \(min [01]\.\d{3}\)$/);

  // The finished run is in the library: recorded by the inference worker, the same numbers as the trainer's last recording.
  const modelId = await page.evaluate(() => (window as any).__clipLab.getModels().run.id);
  await page.getByTestId('gap-source').selectOption(`stored:${modelId}`);
  await expect.poll(() => gapState(page, 's.stored?.snapshots.length ?? 0'), { timeout: 120_000 }).toBe(1);
  const stored = await gapState<any>(page, 's.stored.snapshots[0].metrics');
  expect(Math.abs(stored.centroidDistance - m.at(-1).centroidDistance)).toBeLessThan(1e-4);
  expect(Math.abs(stored.coneText - m.at(-1).coneText)).toBeLessThan(1e-4);
  await expect.poll(async () => Math.min((await mapPixels(page)).orange, (await mapPixels(page)).blue), { timeout: 30_000 }).toBeGreaterThan(30);
  await page.getByTestId('gap-source').selectOption('live');

  // Lessons that queue short runs.
  await lesson('temperature').getByLabel('Temperatures').fill('1, 1/100');
  await lesson('temperature').getByLabel('Steps per run').fill('30');
  await lesson('temperature').getByRole('button', { name: 'Train 2 runs' }).click();
  await expect(lesson('temperature').getByTestId('temperature-curves')).toBeVisible({ timeout: 300_000 });
  const temp = await ours('temperature').allTextContents();
  const gapAt = (t: string) => Number(/→ ([\d.]+)$/.exec(t)![1]); // "step-0 gap → final gap"
  console.log('temperature lesson:', temp);
  expect(gapAt(temp[1]!)).toBeGreaterThan(gapAt(temp[0]!));

  await lesson('reemergence').getByLabel('Steps per run').fill('30');
  await lesson('reemergence').getByRole('button', { name: 'Train both runs' }).click();
  await expect(lesson('reemergence').getByTestId('reemergence-curves')).toBeVisible({ timeout: 300_000 });
  const re = await ours('reemergence').allTextContents();
  console.log('re-emergence lesson:', re);
  const plainStart = Number(/^([\d.]+)/.exec(re[3]!)![1]);
  expect(Number(re[0])).toBeLessThan(0.5 * plainStart);
  expect(Number(re[2])).toBeGreaterThan(Number(re[0]));

  await lesson('objectives').getByLabel('Steps per run').fill('20');
  await lesson('objectives').getByRole('button', { name: 'Train the 4 objectives' }).click();
  await expect(lesson('objectives').getByTestId('objectives-table').locator('tbody tr')).toHaveCount(4, { timeout: 400_000 });
  console.log('objectives lesson:', await ours('objectives').allTextContents());
  expect(await workerErrors(page)).toEqual([]);
});

test('npm run train --json writes a gap object per evaluation', async () => {
  test.setTimeout(300_000);
  const file = test.info().outputPath('run.json');
  execFileSync('node', ['scripts/train.mjs', '--steps', '40', '--batch', '32', '--train-pairs', '2048', '--val-pairs', '256', '--eval-every', '20', '--json', file], { encoding: 'utf8', timeout: 280_000 });
  const run = JSON.parse(readFileSync(file, 'utf8'));
  expect(run.evals.map((e: { step: number }) => e.step)).toEqual([20, 40]);
  for (const e of run.evals) {
    expect(Object.keys(e.gap).sort()).toEqual(['alignment', 'centroidDistance', 'coneImage', 'coneText', 'relativeGap', 'separability', 'uniformity']);
    for (const v of Object.values(e.gap)) expect(Number.isFinite(v)).toBe(true);
    // the whole split's centroid distance and the gap object's (on the same 256 pairs here) agree
    expect(e.gap.centroidDistance).toBeCloseTo(e.gapAllPairs, 4);
  }
});
