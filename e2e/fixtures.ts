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

/** Snapshot of the UI store through the test hook (plain data only). */
export async function storeState<T = any>(page: Page, pick: string): Promise<T> {
  return page.evaluate((expr) => {
    const s = (window as any).__clipLab.getState();
    // eslint-disable-next-line no-new-func
    return JSON.parse(JSON.stringify(new Function('s', `return (${expr});`)(s)));
  }, pick);
}

export async function trainerWorker(page: Page): Promise<Worker> {
  await expect.poll(() => page.workers().length, { timeout: 30_000 }).toBeGreaterThan(0);
  return page.workers()[0];
}
