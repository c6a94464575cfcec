// Training on the Shapes world through the real UI controls, worker and IndexedDB.
import { expect, losses, setField, storeState, test, waitForBackend, waitForState, workerErrors } from './fixtures';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

test('tiny preset on the auto backend: loss falls ≥ 30 % and zero-shot rises well above chance', async ({ page, guard }) => {
  void guard;
  await page.goto('/');
  await waitForBackend(page);
  await setField(page, 'Train pairs', 2560);
  await setField(page, 'Val pairs', 420);
  await setField(page, 'Batch size', 64);
  await setField(page, 'Steps', 300);
  await setField(page, 'Eval every', 100);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForState(page, ['done'], 420_000);
  expect(await workerErrors(page)).toEqual([]);

  const loss = await losses(page);
  expect(loss).toHaveLength(300);
  const first = mean(loss.slice(0, 10));
  const last = mean(loss.slice(-20));
  expect(first).toBeGreaterThan(Math.log(64) - 1); // starts near chance, ln B
  expect(last).toBeLessThan(0.7 * first);

  const evals = await storeState(page, 's.evals');
  const final = evals.at(-1);
  expect(final.step).toBe(300);
  const chance = 1 / final.numClasses;
  expect(final.zeroShotSeen).toBeGreaterThan(10 * chance);
  expect(final.zeroShotSeen).toBeGreaterThan(evals[0].zeroShotSeen - 0.05);
  // The logit scale moved from its init 1/0.07 and stays within the clamp.
  const latest = await storeState(page, 's.latest');
  expect(latest.logitScale).toBeGreaterThan(14.3);
  expect(latest.logitScale).toBeLessThanOrEqual(100);
  const sim = await storeState(page, '{ n: s.similarity.n, len: s.similarity.values.length }');
  expect(sim.n).toBe(16);
  await page.screenshot({ path: 'test-results/training-done.png', fullPage: true });
});

test('pause stops steps, Step advances one at a time with flat tensor count, resume continues', async ({ page, guard }) => {
  void guard;
  await page.goto('/');
  await waitForBackend(page);
  await setField(page, 'Train pairs', 1024);
  await setField(page, 'Val pairs', 128);
  await setField(page, 'Batch size', 32);
  await setField(page, 'Steps', 5000);
  await setField(page, 'Eval every', 0);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForState(page, ['running']);
  await expect.poll(() => storeState(page, 's.status.step'), { timeout: 120_000 }).toBeGreaterThanOrEqual(20);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await waitForState(page, ['paused']);
  const pausedAt = await storeState(page, 's.status.step');
  await page.waitForTimeout(2000);
  expect(await storeState(page, 's.status.step')).toBe(pausedAt);

  const tensorsAfter: number[] = [];
  for (let i = 1; i <= 3; i++) {
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect.poll(() => storeState(page, 's.status.step')).toBe(pausedAt + i);
    tensorsAfter.push(await storeState(page, 's.status.numTensors'));
  }
  expect(new Set(tensorsAfter).size).toBe(1); // no tensor leak across steps

  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await waitForState(page, ['running']);
  await expect.poll(() => storeState(page, 's.status.step'), { timeout: 60_000 }).toBeGreaterThan(pausedAt + 13);
  expect(await storeState(page, 's.status.numTensors')).toBe(tensorsAfter[0]);
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await waitForState(page, ['stopped']);
  expect(await workerErrors(page)).toEqual([]);
});
