import { chromium } from '@playwright/test';
import { preview } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';
const server = await preview({ root: '/work/main', preview: { port: 4182, host: '127.0.0.1' }, logLevel: 'warn' });
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const page = await browser.newPage();
await page.goto(server.resolvedUrls.local[0]);
await page.waitForFunction(() => window.__clipLab?.getState().backend !== null, null, { timeout: 60000 });
const w = page.workers()[0];
const a = await w.evaluate(() => globalThis.__dbgGrads('cpu'));
const b = await w.evaluate(() => globalThis.__dbgGrads('webgpu'));
for (const k of Object.keys(a)) { const x = [].concat(a[k]), y = [].concat(b[k]); const bad = x.some((v, i) => Math.abs(v - y[i]) > 1e-4 * Math.max(1, Math.abs(v))); console.log(bad ? 'DIFF' : 'ok  ', k, JSON.stringify(x.map(v=>+(+v).toPrecision(5))), JSON.stringify(y.map(v=>+(+v).toPrecision(5)))); }
await browser.close(); await server.close();
