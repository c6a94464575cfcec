// Shared Playwright fixtures: every test fails on console errors, page errors or
// any request leaving the app's own origin ("nothing leaves the machine").
import { test as base, expect, type Page, type Worker } from '@playwright/test';

export interface Guard {
  consoleErrors: string[];
  foreignRequests: string[];
}

export const test = base.extend<{ guard: Guard }>({
  guard: async ({ page, baseURL }, use) => {
    const guard: Guard = { consoleErrors: [], foreignRequests: [] };
    const origin = new URL(baseURL!).origin;
    page.on('console', (m) => {
      if (m.type() === 'error') guard.consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => guard.consoleErrors.push(`pageerror: ${e.message}`));
    page.context().on('request', (r) => {
      const url = r.url();
      if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) guard.foreignRequests.push(url);
    });
    page.on('worker', (w) => w.on('console', (m) => m.type() === 'error' && guard.consoleErrors.push(`worker: ${m.text()}`)));
    await use(guard);
    expect(guard.foreignRequests, 'requests outside the app origin').toEqual([]);
    expect(guard.consoleErrors, 'console errors').toEqual([]);
  },
});
export { expect };

/** The guard listens on the test's own page: the same checks for another page (or a fresh context's). */
export function guardPage(page: Page, guard: Guard, origin?: string): void {
  page.on('console', (m) => m.type() === 'error' && guard.consoleErrors.push(m.text()));
  page.on('pageerror', (e) => guard.consoleErrors.push(`pageerror: ${e.message}`));
  page.on('worker', (w) => w.on('console', (m) => m.type() === 'error' && guard.consoleErrors.push(`worker: ${m.text()}`)));
  if (origin) {
    page.on('request', (r) => {
      const url = r.url();
      if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) guard.foreignRequests.push(url);
    });
  }
}

/** Snapshot of the UI store through the test hook (plain data only). */
export async function storeState<T = any>(page: Page, pick: string): Promise<T> {
  return page.evaluate((expr) => {
    const s = (window as any).__clipLab.getState();
    // eslint-disable-next-line no-new-func
    return JSON.parse(JSON.stringify(new Function('s', `return (${expr});`)(s)));
  }, pick);
}

/** The trainer worker (the page also runs a data worker, and wasm may start helpers). */
export async function trainerWorker(page: Page): Promise<Worker> {
  const find = () => page.workers().find((w) => w.url().includes('trainer.worker'));
  await expect.poll(() => find() !== undefined, { timeout: 30_000 }).toBe(true);
  return find()!;
}

/** Type into a labelled numeric field of the Run sidebar. */
export async function setField(page: Page, label: string, value: number | string): Promise<void> {
  await page.getByLabel(label, { exact: true }).fill(String(value));
}

export async function runState(page: Page): Promise<string> {
  return page.evaluate(() => (window as any).__clipLab.getState().status.state);
}

export async function waitForState(page: Page, states: string[], timeout = 180_000): Promise<string> {
  await expect.poll(() => runState(page), { timeout, intervals: [250, 500, 1000] }).toMatch(new RegExp(`^(${states.join('|')})$`));
  return runState(page);
}

/** Wait until the worker has chosen a backend; returns its name. */
export async function waitForBackend(page: Page, name?: string): Promise<string> {
  await expect
    .poll(() => page.evaluate(() => (window as any).__clipLab?.getState().backend?.active ?? null), { timeout: 120_000 })
    .toEqual(name ?? expect.any(String));
  return page.evaluate(() => (window as any).__clipLab.getState().backend.active);
}

/** Per-step losses recorded by the UI so far. */
export async function losses(page: Page): Promise<number[]> {
  return page.evaluate(() => Array.from((window as any).__clipLab.getState().metrics.toArrays().loss as ArrayLike<number>));
}

export async function workerErrors(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as any).__clipLab.getState().errors.map((e: any) => `${e.context}: ${e.message}`));
}
