// The app shell: the run config travels in the address, every view has an address, the main thread
// stays responsive while training, and a chart with one evaluation draws it.
import type { Page } from '@playwright/test';
import { expect, guardPage, setField, storeState, test, waitForBackend, waitForState } from './fixtures';

/** Pixels of the chart's plot canvas within ±tol of an RGB colour. */
async function colourPixels(page: Page, testId: string, rgb: [number, number, number], tol = 40): Promise<number> {
  return page.evaluate(
    ({ testId, rgb, tol }) => {
      const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid="${testId}"] canvas`);
      if (!canvas) return -1;
      const ctx = canvas.getContext('2d')!;
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! > 128 && Math.abs(data[i]! - rgb[0]) <= tol && Math.abs(data[i + 1]! - rgb[1]) <= tol && Math.abs(data[i + 2]! - rgb[2]) <= tol) n++;
      }
      return n;
    },
    { testId, rgb, tol },
  );
}

test('a link with a run config sets up that run in a fresh profile, and the address follows the knobs', async ({ browser, baseURL, guard }) => {
  test.setTimeout(480_000);
  const context = await browser.newContext(); // no storage of any earlier page
  const page = await context.newPage();
  guardPage(page, guard, new URL(baseURL!).origin);
  const query = 'preset=tiny&objective=pospair&lambda=0.3&batch=32&steps=40&seed=7&lr=0.005&warmup=5&trainPairs=512&valPairs=64&shapesSeed=3&heldOut=red%20triangle,blue%20cross';
  await page.goto(`/?${query}#models`);
  await waitForBackend(page);
  // The Models view is shown; the sidebar holds the link's settings.
  await expect(page.getByRole('tab', { name: /Models/ })).toHaveAttribute('aria-selected', 'true');
  const c = await storeState(page, 's.config');
  expect(c.objective).toEqual({ kind: 'pospair', lambda: 0.3 });
  expect([c.batchSize, c.steps, c.seed, c.optim.lr, c.optim.warmupSteps]).toEqual([32, 40, 7, 0.005, 5]);
  expect(c.dataset).toMatchObject({ kind: 'shapes', seed: 3, trainPairs: 512, valPairs: 64, heldOut: ['red triangle', 'blue cross'] });
  await expect(page.getByLabel('Batch size', { exact: true })).toHaveValue('32');
  await expect(page.getByTestId('link-notice')).toHaveCount(0);
  // The address now names every field (and keeps the view).
  const url = new URL(page.url());
  expect(url.hash).toBe('#models');
  expect(url.searchParams.get('batch')).toBe('32');
  expect(url.searchParams.get('lambda')).toBe('0.3');
  expect(url.searchParams.get('embed')).toBe('64');
  // Change a knob: the address follows.
  await setField(page, 'Batch size', 16);
  await expect.poll(() => new URL(page.url()).searchParams.get('batch')).toBe('16');
  // The same link on "another machine" (another fresh profile) trains the same run: same losses.
  await page.getByRole('tab', { name: /^Train/ }).click();
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForState(page, ['done'], 300_000);
  const first = await storeState<number[]>(page, 's.metrics.column("loss")');
  const other = await (await browser.newContext()).newPage();
  guardPage(other, guard, new URL(baseURL!).origin);
  await other.goto(page.url());
  await waitForBackend(other);
  await other.getByRole('tab', { name: /^Train/ }).click();
  await other.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForState(other, ['done'], 300_000);
  const second = await storeState<number[]>(other, 's.metrics.column("loss")');
  expect(second).toHaveLength(40);
  expect(second).toEqual(first);
  await context.close();
  await other.context().close();
});

test('a link with bad settings says what was wrong and uses the defaults for those', async ({ page, guard }) => {
  void guard;
  await page.goto('/?batch=lots&lr=-1&colour=red&objective=siglip&sigB=-4');
  await waitForBackend(page);
  const notice = page.getByTestId('link-notice');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('batch=lots is not a whole number; using the default 64');
  await expect(notice).toContainText('unknown parameter "colour" ignored');
  await expect(notice).toContainText('optimiser: learning rate must be positive');
  const c = await storeState(page, 's.config');
  expect(c.batchSize).toBe(64);
  expect(c.optim.lr).toBe(0.002);
  expect(c.objective).toMatchObject({ kind: 'siglip', initBias: -4 });
  // The app is usable: Start is enabled, and the address now holds the corrected settings.
  await expect(page.getByRole('button', { name: 'Start', exact: true })).toBeEnabled();
  expect(new URL(page.url()).searchParams.get('batch')).toBe('64');
  await page.getByTestId('link-notice').getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).toHaveCount(0);
});

test('every view has its own address; Back returns; an unknown view says so', async ({ page, guard }) => {
  void guard;
  const views: [hash: string, tab: RegExp, marker: string][] = [
    ['', /^Train/, 'section[aria-label="Training controls"]'],
    ['#data', /^Data/, '.data-view'],
    ['#models', /^Models/, '.models-view'],
  ];
  for (const [hash, tab, marker] of views) {
    await page.goto(`/${hash}`);
    await expect(page.getByRole('tab', { name: tab })).toHaveAttribute('aria-selected', 'true');
    await expect(page.locator(marker)).toBeVisible();
    await expect(page.getByRole('tabpanel')).toHaveCount(1);
  }
  // Tabs change the address; Back goes to the previous view.
  await page.goto('/');
  await page.getByRole('tab', { name: /^Data/ }).click();
  await expect.poll(() => new URL(page.url()).hash).toBe('#data');
  await page.getByRole('tab', { name: /^Models/ }).click();
  await expect.poll(() => new URL(page.url()).hash).toBe('#models');
  await page.goBack();
  await expect(page.getByRole('tab', { name: /^Data/ })).toHaveAttribute('aria-selected', 'true');
  // The worker keeps its state whatever the view: the backend it chose is still there.
  await waitForBackend(page);
  await page.goto('/#nowhere');
  await expect(page.getByTestId('link-notice')).toContainText('There is no view “nowhere”');
  await expect(page.getByRole('tab', { name: /^Train/ })).toHaveAttribute('aria-selected', 'true');
});

test('no main-thread task over 50 ms during 30 s of training with the Train view shown; a single evaluation is drawn', async ({ page, guard }) => {
  void guard;
  // One evaluation only (evalEvery 0: at the end of a 5-step run); then a long run to watch.
  await page.goto('/?trainPairs=1024&valPairs=128&batch=32&steps=5&evalEvery=0');
  await waitForBackend(page);
  const gap = 'chart-modality-gap-mean-u-mean-v';
  const PURPLE: [number, number, number] = [180, 142, 240];
  const GREEN: [number, number, number] = [79, 192, 141];
  expect(await colourPixels(page, gap, PURPLE)).toBe(0);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForState(page, ['done'], 300_000);
  expect(await storeState(page, 's.evals.length')).toBe(1);
  // The one point of each series is drawn as a dot (uPlot draws no line through a single point).
  await expect.poll(() => colourPixels(page, gap, PURPLE), { timeout: 10_000 }).toBeGreaterThan(12);
  expect(await colourPixels(page, gap, GREEN)).toBeGreaterThan(12);

  // Exports: the Loss chart's CSV holds the 5 losses; the run's JSON every step and the evaluation.
  const readDownload = async (click: () => Promise<void>) => {
    const [download] = await Promise.all([page.waitForEvent('download'), click()]);
    const path = await download.path();
    return { name: download.suggestedFilename(), text: (await import('node:fs')).readFileSync(path!, 'utf8') };
  };
  const loss = await storeState<number[]>(page, 's.metrics.column("loss")');
  const csv = await readDownload(() => page.getByRole('button', { name: 'Download Loss as CSV' }).click());
  expect(csv.name).toMatch(/^clip-lab-loss-.*\.csv$/);
  const rows = csv.text.trim().split('\r\n');
  expect(rows[0]).toBe('step,loss,smoothed,chance ln B');
  expect(rows.slice(1).map((r) => Number(r.split(',')[1]))).toEqual(loss);
  const json = JSON.parse((await readDownload(() => page.getByTestId('run-export').getByRole('button', { name: 'JSON' }).click())).text);
  expect(json.steps.step).toEqual([1, 2, 3, 4, 5]);
  expect(json.evals).toHaveLength(1);
  expect(json.config.steps).toBe(5);
  const png = await readDownload(() => page.getByRole('button', { name: 'Download Modality gap ‖mean u − mean v‖ as PNG' }).click());
  expect(png.name).toMatch(/\.png$/);

  await setField(page, 'Steps', 100000);
  await setField(page, 'Eval every', 100);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForState(page, ['running'], 300_000);
  await expect.poll(() => storeState(page, 's.status.step'), { timeout: 120_000 }).toBeGreaterThan(10);
  const tasks = await page.evaluate(
    () =>
      new Promise<{ duration: number; name: string }[]>((resolve) => {
        const seen: { duration: number; name: string }[] = [];
        const po = new PerformanceObserver((list) => {
          for (const e of list.getEntries()) seen.push({ duration: Math.round(e.duration), name: e.name });
        });
        po.observe({ type: 'longtask', buffered: false });
        setTimeout(() => {
          po.disconnect();
          resolve(seen);
        }, 30_000);
      }),
  );
  const steps = await storeState<number>(page, 's.status.step');
  expect(await storeState(page, 's.status.state')).toBe('running');
  expect(steps).toBeGreaterThan(20);
  expect(tasks, `long tasks while training (${steps} steps)`).toEqual([]);
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await waitForState(page, ['stopped']);
});
