// Playground latency and embedding throughput (issue target: ≤ 100 ms per update for the tiny preset
// on the automatically chosen backend). For each preset and each backend of the inference worker,
// one image and 20 labels × the dataset's template ensemble:
//   cold      every prompt new (20 × 4 = 80 prompts encoded, then scored)
//   one label one label edited (its 4 prompts encoded; the rest cached), the typical keystroke
//   warm      the same labels again (scoring only)
//   new image a new image decoded, preprocessed and embedded, then scored
// timed from the page (request → answer, what a user waits for; the worker's own ms too), median
// of REPEATS; and dataset embedding throughput (images/s) from building the search index once.
import { mkdirSync, writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { machineInfo } from './machine';

const REPEATS = Number(process.env.PLAYGROUND_REPEATS ?? 10);
const BACKENDS = (process.env.PLAYGROUND_BACKENDS ?? 'auto,wasm,webgl,webgpu,cpu').split(',');
const PRESETS = ['tiny', 'small'] as const;
const TARGET_MS = 100;

interface Row {
  preset: string;
  backend: string;
  active: string;
  coldMs: number;
  oneLabelMs: number;
  warmMs: number;
  newImageMs: number;
  workerColdMs: number;
  imagesPerSec: number;
  indexImages: number;
  repeats: number;
}

/** A model of `preset` trained for one step in the trainer, snapshotted into the inference worker. */
async function prepareRun(page: Page, preset: string): Promise<void> {
  // Stop the previous preset's run: Step then configures a new one from the settings.
  const before = await page.evaluate(() => (window as any).__clipLab.getModels().run?.id ?? null);
  await page.evaluate(() => (window as any).__clipLab.send({ type: 'stop' }));
  await expect.poll(() => page.evaluate(() => (window as any).__clipLab.getState().status.state), { timeout: 60_000 }).toMatch(/^(idle|stopped)$/);
  await page.evaluate((p) => {
    const s = (window as any).__clipLab.getState();
    s.setPreset(p);
    (window as any).__clipLab.getState().setConfig((c: any) => ({ ...c, steps: 10, evalEvery: 0, dataset: { ...c.dataset, trainPairs: 1024, valPairs: 512 } }));
  }, preset);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect
    .poll(() => page.evaluate((b) => ((window as any).__clipLab.getModels().run?.id ?? null) !== b && (window as any).__clipLab.getState().status.step === 1, before), { timeout: 300_000 })
    .toBe(true);
  expect(await page.evaluate(() => (window as any).__clipLab.getModels().run?.config.preset)).toBe(preset);
}

async function measure(page: Page, backend: string, repeats: number): Promise<Omit<Row, 'backend'>> {
  return page.evaluate(
    async ({ backend, repeats }) => {
      const hook = (window as any).__clipLab;
      let n = 0;
      const req = (cmd: any) => hook.inferenceRequest({ requestId: `bench-${++n}`, ...cmd });
      const backendReport = await req({ type: 'init', backend });
      const weights = (await hook.request({ type: 'snapshotWeights', requestId: `bench-w-${n}` })).weights;
      const { model } = await req({ type: 'loadModel', source: { kind: 'live', weights } });
      const preset = model.config.preset;
      const png = async (hue: number) => {
        const c = new OffscreenCanvas(200, 200);
        const g = c.getContext('2d')!;
        g.fillStyle = '#2c2c2c';
        g.fillRect(0, 0, 200, 200);
        g.fillStyle = `hsl(${hue}, 80%, 50%)`;
        g.beginPath();
        g.arc(100, 100, 40, 0, 7);
        g.fill();
        return c.convertToBlob({ type: 'image/png' });
      };
      await req({ type: 'setImage', imageKey: 'img-0', image: { kind: 'encoded', blob: await png(0), name: 'bench.png' } });
      const templates = model.templates;
      const labels = (tag: string) => Array.from({ length: 20 }, (_, i) => `${['red', 'green', 'blue', 'yellow', 'purple'][i % 5]} ${['circle', 'square', 'triangle', 'star'][i >> 2 & 3]} ${tag}${i}`);
      const time = async (f: () => Promise<any>) => {
        const t0 = performance.now();
        const r = await f();
        return { ms: performance.now() - t0, r };
      };
      const zs = (imageKey: string, l: string[]) => req({ type: 'zeroShot', imageKey, labels: l, templates, singleTemplate: 0 });
      await zs('img-0', labels('warmup')); // compile the kernels of both encoders first
      const cold: number[] = [];
      const workerCold: number[] = [];
      const one: number[] = [];
      const warm: number[] = [];
      const image: number[] = [];
      const slow = { repeats };
      for (let k = 0; k < slow.repeats; k++) {
        const l = labels(`c${k}-`);
        const c = await time(() => zs('img-0', l));
        cold.push(c.ms);
        workerCold.push(c.r.ms);
        if (k === 0 && c.ms > 500) slow.repeats = Math.min(slow.repeats, 3); // software WebGPU, cpu
        const edited = [...l];
        edited[7] = `${edited[7]} edited`;
        one.push((await time(() => zs('img-0', edited))).ms);
        warm.push((await time(() => zs('img-0', edited))).ms);
        const blob = await png(30 * (k + 1));
        image.push((await time(async () => {
          await req({ type: 'setImage', imageKey: `img-${k + 1}`, image: { kind: 'encoded', blob, name: 'bench.png' } });
          return zs(`img-${k + 1}`, edited);
        })).ms);
      }
      const ix = await req({ type: 'buildIndex', datasetId: model.datasetId });
      const med = (xs: number[]) => {
        const s = [...xs].sort((a, b) => a - b);
        const m = s.length >> 1;
        return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
      };
      return {
        active: backendReport.info.active,
        preset,
        coldMs: med(cold),
        oneLabelMs: med(one),
        warmMs: med(warm),
        newImageMs: med(image),
        workerColdMs: med(workerCold),
        imagesPerSec: ix.imagesPerSec,
        indexImages: ix.images,
        repeats: cold.length,
      };
    },
    { backend, repeats },
  );
}

test('playground latency and embedding throughput', async ({ page, browser }) => {
  test.setTimeout(1_800_000);
  await page.goto('/');
  await expect.poll(() => page.evaluate(() => (window as any).__clipLab?.getState().backend?.active ?? null), { timeout: 120_000 }).not.toBeNull();
  const rows: Row[] = [];
  for (const preset of PRESETS) {
    await prepareRun(page, preset);
    for (const backend of BACKENDS) {
      const r = await measure(page, backend, REPEATS);
      // A backend that is not there falls back (e.g. no WebGL2 in workers): measured once, as auto.
      if (backend !== 'auto' && r.active !== backend) continue;
      expect(r.preset).toBe(preset);
      rows.push({ ...r, backend });
    }
  }
  const autoTiny = rows.find((r) => r.preset === 'tiny' && r.backend === 'auto')!;
  const result = {
    date: new Date().toISOString(),
    machine: machineInfo(),
    browser: browser.version(),
    labels: 20,
    templates: 4,
    rows,
    targetMs: TARGET_MS,
    autoTinyColdMs: autoTiny.coldMs,
    withinTarget: autoTiny.coldMs <= TARGET_MS,
  };
  const f = (x: number) => x.toFixed(1).padStart(9);
  const lines = [
    `CLIP Lab playground benchmark — ${result.browser}, ${result.machine.cpus} CPUs (${result.machine.cpu}); one image, 20 labels × 4 templates; median of up to ${REPEATS}`,
    '',
    'preset  backend         cold ms  1 label ms  warm ms  new image ms  worker cold ms  embed images/s',
    ...rows.map((r) => `${r.preset.padEnd(6)}  ${(r.backend === 'auto' ? `auto (${r.active})` : r.backend).padEnd(13)} ${f(r.coldMs)}  ${f(r.oneLabelMs)}   ${f(r.warmMs)}     ${f(r.newImageMs)}       ${f(r.workerColdMs)}       ${r.imagesPerSec.toFixed(0).padStart(9)}`),
    '',
    `tiny on the automatic backend (${autoTiny.active}): ${autoTiny.coldMs.toFixed(1)} ms per update with every prompt new (target ≤ ${TARGET_MS} ms: ${result.withinTarget ? 'yes' : 'NO'}); ${autoTiny.oneLabelMs.toFixed(1)} ms for a one-label edit.`,
  ];
  console.log(`\n${lines.join('\n')}\n`);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/playground.json', `${JSON.stringify(result, null, 2)}\n`);
  expect(rows.length).toBeGreaterThan(1);
});
