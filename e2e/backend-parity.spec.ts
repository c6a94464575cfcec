// The same seed and batch give the same losses on WebGPU as on the auto-selected
// backend: the model, loss and optimiser agree across backends.
import { expect, losses, setField, test, waitForBackend, waitForState, workerErrors } from './fixtures';

async function runSteps(page: import('@playwright/test').Page): Promise<number[]> {
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForState(page, ['done'], 180_000);
  return losses(page);
}

test('a few steps forced onto webgpu match the auto backend within 1e-4', async ({ page, guard }) => {
  void guard;
  await page.goto('/');
  const auto = await waitForBackend(page);
  await setField(page, 'Train pairs', 512);
  await setField(page, 'Val pairs', 64);
  await setField(page, 'Batch size', 16);
  await setField(page, 'Steps', 4);
  await setField(page, 'Eval every', 0);
  const reference = await runSteps(page);
  expect(reference).toHaveLength(4);

  await page.getByLabel('Backend', { exact: true }).selectOption('webgpu');
  await waitForBackend(page, 'webgpu');
  expect(auto).not.toBe('webgpu');
  const onGpu = await runSteps(page);
  expect(onGpu).toHaveLength(4);
  for (let i = 0; i < 4; i++) expect(Math.abs(onGpu[i] - reference[i])).toBeLessThan(1e-4);
  // The losses moved: the comparison covers optimiser steps, not only the init.
  expect(Math.abs(reference[3] - reference[0])).toBeGreaterThan(1e-3);
  expect(await workerErrors(page)).toEqual([]);
});
