// The same seed and batch give the same losses on WebGPU as on the auto-selected
// backend: the model, loss and optimiser agree across backends. On WebGPU the loss runs
// through the fused kernels (src/kernels), elsewhere through tfjs ops, so this also checks
// that the fused kernels are a drop-in replacement inside real training steps.
import { expect, losses, setField, storeState, test, waitForBackend, waitForState, workerErrors } from './fixtures';

async function runSteps(page: import('@playwright/test').Page): Promise<number[]> {
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForState(page, ['done'], 180_000);
  return losses(page);
}

for (const objective of ['clip', 'siglip'] as const) {
  test(`${objective}: a few steps forced onto webgpu match the auto backend within 1e-4`, async ({ page, guard }) => {
    void guard;
    await page.goto('/');
    const auto = await waitForBackend(page);
    await page.getByLabel('Objective', { exact: true }).selectOption(objective);
    await setField(page, 'Train pairs', 512);
    await setField(page, 'Val pairs', 64);
    await setField(page, 'Batch size', 16);
    await setField(page, 'Steps', 4);
    await setField(page, 'Eval every', 0);
    const reference = await runSteps(page);
    expect(reference).toHaveLength(4);
    expect(await storeState(page, 's.backend.lossKernel')).toBe('op-composed');

    await page.getByLabel('Backend', { exact: true }).selectOption('webgpu');
    await waitForBackend(page, 'webgpu');
    expect(auto).not.toBe('webgpu');
    expect(await storeState(page, 's.backend.lossKernel')).toBe('fused');
    await expect(page.getByTestId('status-line')).toContainText('fused WebGPU kernel');
    const onGpu = await runSteps(page);
    expect(onGpu).toHaveLength(4);
    for (let i = 0; i < 4; i++) expect(Math.abs(onGpu[i] - reference[i])).toBeLessThan(1e-4);
    // The losses moved: the comparison covers optimiser steps, not only the init.
    expect(Math.abs(reference[3] - reference[0])).toBeGreaterThan(1e-3);
    // Switching the fused path off (as the kernels bench does) shows in the status line.
    await page.evaluate(() => (window as any).__clipLab.send({ type: 'setFusedLoss', requestId: 'fused-off', enabled: false }));
    await expect(page.getByTestId('status-line')).toContainText('loss op-composed');
    await page.evaluate(() => (window as any).__clipLab.send({ type: 'setFusedLoss', requestId: 'fused-on', enabled: true }));
    await expect(page.getByTestId('status-line')).toContainText('fused WebGPU kernel');
    expect(await workerErrors(page)).toEqual([]);
  });
}
