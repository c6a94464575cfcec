import { chromium } from '@playwright/test';
import { preview } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';
const server = await preview({ root: '/work/main', build: { outDir: 'dist-test' }, preview: { port: 4191, strictPort: true, host: '127.0.0.1' }, logLevel: 'warn' });
const base = 'http://127.0.0.1:4191/';
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const which = process.argv[2] ?? 'all';
for (const scheme of (process.env.SCHEMES ?? 'dark').split(',')) {
  for (const width of [1440, 800]) {
    const ctx = await browser.newContext({ viewport: { width, height: 1000 }, colorScheme: scheme });
    const page = await ctx.newPage();
    page.on('console', (m) => m.type() === 'error' && console.error('[browser]', m.text()));
    for (const view of ['train', 'data', 'models']) {
      if (which !== 'all' && which !== view) continue;
      await page.goto(base + (process.env.Q ?? '') + (view === 'train' ? '' : '#' + view));
      await page.waitForTimeout(2500);
      await page.screenshot({ path: `/tmp/shots/${view}-${width}-${scheme}.png`, fullPage: process.env.FULL === '1' });
    }
    await ctx.close();
  }
}
await browser.close();
server.httpServer.close();
