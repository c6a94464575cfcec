// The app loads cleanly, picks a backend sensibly and shows it.
import { expect, storeState, test, waitForBackend } from './fixtures';

test('loads with no console errors, no foreign requests, and shows the chosen backend', async ({ page, guard }) => {
  void guard; // the fixture asserts no console errors and no requests off the app origin
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'CLIP Lab' })).toBeVisible();
  const active = await waitForBackend(page);
  const backend = await storeState(page, 's.backend');
  // Never WebGPU on a software (fallback) adapter unless the user asks for it.
  if (backend.adapter?.isFallbackAdapter) expect(active).not.toBe('webgpu');
  const benched = backend.candidates.filter((c: any) => typeof c.benchMs === 'number');
  expect(benched.length).toBeGreaterThan(0);
  // The winner is the fastest benchmarked candidate.
  const fastest = benched.reduce((a: any, b: any) => (b.benchMs < a.benchMs ? b : a));
  expect(active).toBe(fastest.name);
  await expect(page.getByTestId('status-line')).toContainText(active);
  await expect(page.getByTestId('run-state')).toContainText(/idle/i);
  await page.screenshot({ path: 'test-results/app-loaded.png', fullPage: true });
});

test('the backend override persists across a reload', async ({ page, guard }) => {
  void guard;
  await page.goto('/');
  await waitForBackend(page);
  await page.getByLabel('Backend', { exact: true }).selectOption('cpu');
  await waitForBackend(page, 'cpu');
  await page.reload();
  await waitForBackend(page, 'cpu');
  await expect(page.getByLabel('Backend', { exact: true })).toHaveValue('cpu');
  await expect(page.getByTestId('status-line')).toContainText('cpu');
});
