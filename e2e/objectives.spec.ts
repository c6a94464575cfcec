// Each objective beside CLIP trains from the UI, on the Shapes world and on the built-in
// Fashion-MNIST: the loss falls and validation zero-shot accuracy rises above chance.
// (Tiny preset, few steps; the longer comparisons are for `npm run train`.)
import type { Page } from '@playwright/test';
import { expect, losses, setField, storeState, test, waitForBackend, waitForState, workerErrors } from './fixtures';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const OBJECTIVES = [
  { kind: 'pospair', components: ['clip', 'reg'] },
  { kind: 'siglip', components: ['siglip', 'bias'] },
  { kind: 'cyclip', components: ['clip', 'inModal', 'crossModal'] },
] as const;

async function chooseFashionMnist(page: Page): Promise<void> {
  await page.getByLabel('Dataset', { exact: true }).selectOption('fashion-mnist');
  await expect
    .poll(
      () =>
        page.evaluate(() => {
          const d = (window as any).__clipLab.getDataState();
          const s = (window as any).__clipLab.getState();
          return d.builtin.status === 'ready' && s.config.dataset.kind === 'stored' && s.config.dataset.id === d.builtin.id;
        }),
      { timeout: 180_000 },
    )
    .toBe(true);
}

async function trainAndCheck(page: Page, kind: string, components: readonly string[], steps: number, minZeroShot: number) {
  await page.getByLabel('Objective', { exact: true }).selectOption(kind);
  await setField(page, 'Batch size', 64);
  await setField(page, 'Steps', steps);
  await setField(page, 'Eval every', 0);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForState(page, ['done', 'error'], 420_000);
  expect(await workerErrors(page)).toEqual([]);
  expect(await storeState(page, 's.status.state')).toBe('done');

  const loss = await losses(page);
  expect(loss).toHaveLength(steps);
  const first = mean(loss.slice(0, 10));
  const last = mean(loss.slice(-10));
  expect(last, `${kind}: first 10 steps ${first.toFixed(3)}, last 10 ${last.toFixed(3)}`).toBeLessThan(0.7 * first);

  // The objective's own loss terms were reported every step.
  expect((await storeState(page, 's.componentNames')).sort()).toEqual([...components].sort());
  const final = (await storeState(page, 's.evals')).at(-1);
  expect(final.step).toBe(steps);
  expect(final.zeroShotAll, `${kind}: zero-shot ${final.zeroShotAll} (chance ${1 / final.numClasses})`).toBeGreaterThan(minZeroShot);
  return { first, last, zeroShot: final.zeroShotAll };
}

for (const { kind, components } of OBJECTIVES) {
  test(`${kind} trains on the Shapes world`, async ({ page, guard }) => {
    void guard;
    await page.goto('/');
    await waitForBackend(page);
    await setField(page, 'Train pairs', 2560);
    await setField(page, 'Val pairs', 420);
    // 42 colour×shape classes: chance 2.4 %.
    await trainAndCheck(page, kind, components, 200, 0.1);
  });

  test(`${kind} trains on Fashion-MNIST`, async ({ page, guard }) => {
    void guard;
    await page.goto('/');
    await waitForBackend(page);
    await chooseFashionMnist(page);
    // 10 classes: chance 10 %.
    await trainAndCheck(page, kind, components, 120, 0.2);
  });
}

test('SigLIP starts from s = 10 and b = −10 and learns b', async ({ page, guard }) => {
  void guard;
  await page.goto('/');
  await waitForBackend(page);
  await setField(page, 'Train pairs', 1024);
  await setField(page, 'Val pairs', 128);
  await page.getByLabel('Objective', { exact: true }).selectOption('siglip');
  await setField(page, 'Batch size', 32);
  await setField(page, 'Steps', 30);
  await setField(page, 'Eval every', 0);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForState(page, ['done'], 300_000);
  const m = await storeState(page, '{ scale: Array.from(s.metrics.toArrays().logitScale), bias: Array.from(s.metrics.componentColumn("bias")) }');
  // Reported after each update: close to the init after one small warm-up step.
  expect(m.scale[0]).toBeCloseTo(10, 1);
  expect(m.bias[0]).toBeCloseTo(-10, 2);
  expect(m.bias.at(-1)).not.toBe(m.bias[0]);
});
