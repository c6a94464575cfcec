import { chromium } from '@playwright/test';
import { preview } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';
const server = await preview({ root: '/work/main', build: { outDir: 'dist-test' }, preview: { port: 4191, strictPort: true, host: '127.0.0.1' }, logLevel: 'warn' });
const base = 'http://127.0.0.1:4191/?trainPairs=1024&valPairs=128&batch=32&steps=60&evalEvery=20';
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 }, colorScheme: 'dark' });
const page = await ctx.newPage();
page.on('console', (m) => m.type() === 'error' && console.error('[browser]', m.text()));
await page.goto(base);
await page.waitForFunction(() => window.__clipLab?.getState().backend?.active, null, { timeout: 120000 });
await page.getByRole('button', { name: 'Start', exact: true }).click();
await page.waitForFunction(() => window.__clipLab.getState().status.state === 'done', null, { timeout: 300000, polling: 500 });
for (const scheme of ['dark', 'light']) {
  await page.emulateMedia({ colorScheme: scheme });
  for (const width of [1440, 800]) {
    await page.setViewportSize({ width, height: 1000 });
    for (const view of ['train', 'data', 'models']) {
      await page.evaluate((v) => window.__clipLab.getState().setView(v), view);
      await page.waitForTimeout(1200);
      await page.screenshot({ path: `/tmp/shots/${view}-${width}-${scheme}.png`, fullPage: true });
    }
  }
}
await browser.close();
server.httpServer.close();
