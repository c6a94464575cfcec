// Do live charts slow training? One training run, timed in alternating windows with the Train view
// shown (every chart redrawing as metrics arrive) and hidden (the Data view shown: the charts are
// unmounted), on the auto backend. Step times are the worker's own per-step wall times, so the
// ratio of the medians is measured in one run, on one machine state. Target: they differ by ≤ 5 %.
import { mkdirSync, writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { machineInfo } from './machine';

const WINDOWS = Number(process.env.SHELL_WINDOWS ?? 6);
const WINDOW_MS = Number(process.env.SHELL_WINDOW_MS ?? 12_000);
const SETTLE_MS = 1500;

const ui = <T = unknown>(page: Page, expr: string): Promise<T> =>
  page.evaluate((e) => JSON.parse(JSON.stringify(new Function('s', `return (${e});`)((window as any).__clipLab.getState()) ?? null)), expr);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Per-step worker times of the steps after `fromStep`. */
async function stepTimesSince(page: Page, fromStep: number): Promise<number[]> {
  const m = await ui<{ step: number[]; stepMs: number[] }>(page, '{ step: s.metrics.column("step"), stepMs: s.metrics.column("stepMs") }');
  return m.step.flatMap((st, i) => (st > fromStep ? [m.stepMs[i]!] : []));
}

test('live charts vs hidden: training step time', async ({ page, browser }) => {
  test.setTimeout(WINDOWS * (WINDOW_MS + SETTLE_MS) + 360_000);
  await page.goto('/?trainPairs=2048&valPairs=256&batch=64&steps=1000000&evalEvery=100&reportEvery=10');
  await expect.poll(() => ui(page, 's.backend?.active ?? null'), { timeout: 120_000 }).not.toBeNull();
  const backend = await ui<{ active: string; adapter: unknown }>(page, 's.backend');
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect.poll(() => ui<number>(page, 's.status.step'), { timeout: 300_000, intervals: [500] }).toBeGreaterThan(30);

  const windows: { view: string; steps: number; medianMs: number; meanMs: number }[] = [];
  for (let k = 0; k < WINDOWS; k++) {
    const view = k % 2 === 0 ? 'train' : 'data';
    await page.evaluate((v) => (window as any).__clipLab.getState().setView(v), view);
    await page.waitForTimeout(SETTLE_MS);
    const from = await ui<number>(page, 's.status.step');
    await page.waitForTimeout(WINDOW_MS);
    const times = await stepTimesSince(page, from);
    windows.push({ view, steps: times.length, medianMs: median(times), meanMs: times.reduce((a, b) => a + b, 0) / times.length });
  }
  await page.evaluate(() => (window as any).__clipLab.send({ type: 'stop' }));

  const visible = windows.filter((w) => w.view === 'train');
  const hidden = windows.filter((w) => w.view === 'data');
  const visibleMs = median(visible.map((w) => w.medianMs));
  const hiddenMs = median(hidden.map((w) => w.medianMs));
  const ratio = visibleMs / hiddenMs;
  const result = {
    date: new Date().toISOString(),
    machine: machineInfo(),
    browser: browser.version(),
    backend: backend.active,
    adapter: backend.adapter,
    preset: 'tiny',
    batchSize: 64,
    windowMs: WINDOW_MS,
    windows,
    visibleMedianStepMs: visibleMs,
    hiddenMedianStepMs: hiddenMs,
    ratio,
    withinTarget: Math.abs(ratio - 1) <= 0.05,
  };
  const lines = [
    `CLIP Lab live-charts benchmark — ${result.browser}, backend ${result.backend}, ${result.machine.cpus} CPUs (${result.machine.cpu})`,
    '',
    'window  view            steps  median ms/step  mean ms/step',
    ...windows.map((w, i) => `${String(i + 1).padStart(6)}  ${(w.view === 'train' ? 'Train (charts)' : 'Data (hidden)').padEnd(14)}  ${String(w.steps).padStart(5)}  ${w.medianMs.toFixed(2).padStart(14)}  ${w.meanMs.toFixed(2).padStart(12)}`),
    '',
    `Train view shown: ${visibleMs.toFixed(2)} ms/step · hidden: ${hiddenMs.toFixed(2)} ms/step · ratio ${ratio.toFixed(3)} (target ≤ 5 % apart: ${result.withinTarget ? 'yes' : 'NO'})`,
  ];
  console.log(`\n${lines.join('\n')}\n`);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/shell.json', `${JSON.stringify(result, null, 2)}\n`);
  expect(visible.every((w) => w.steps > 0) && hidden.every((w) => w.steps > 0)).toBe(true);
});
