// What the headless command-line tools share (npm run train / zeroshot / eval): the app's test
// build served locally and opened in headless Chromium, so every tool runs the same worker code
// the app runs; argument parsing; and a model file (or a CLIP checkpoint folder) imported through
// the Models tab's inputs.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execSync } from 'node:child_process';
import { chromium } from '@playwright/test';
import { preview } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A mistake in how a tool was called: printed as one line, exit code 2. */
export class UsageError extends Error {}

/** `--key value` pairs (a repeated key collects its values in an array); `--flag` alone is true. */
export function parseArgs(argv, repeatable = []) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new UsageError(`Unexpected argument ${a}`);
    const key = a.slice(2);
    const next = argv[i + 1];
    const value = next === undefined || next.startsWith('--') ? true : (i++, next);
    if (repeatable.includes(key)) (out[key] ??= []).push(value);
    else out[key] = value;
  }
  return out;
}

/** Serves dist-test (building it when missing or asked) and opens the app; `close()` ends both. */
export async function openApp(tag, { build = false, quiet = false } = {}) {
  if (!existsSync(join(root, 'dist-test', 'index.html')) || build) {
    if (!quiet) console.error(`[${tag}] building the app with its test hooks (vite build --mode test)…`);
    execSync('npx vite build --mode test --outDir dist-test --logLevel warn', { cwd: root, stdio: quiet ? 'ignore' : ['ignore', 2, 2] });
  }
  const server = await preview({ root, build: { outDir: 'dist-test' }, preview: { port: 4180, strictPort: false, host: '127.0.0.1' }, logLevel: 'warn' });
  const url = server.resolvedUrls.local[0];
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  page.on('console', (m) => m.type() === 'error' && console.error(`[browser] ${m.text()}`));
  page.on('pageerror', (e) => console.error(`[browser] ${e.message}`));
  await page.goto(url);
  await page.waitForFunction(() => window.__clipLab?.getState().backend !== null, null, { timeout: 120_000 });
  return {
    page,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** Imports a .safetensors model file into the (fresh) profile's library; returns its summary. */
export async function importModelFile(page, file, tag) {
  const fileName = basename(file);
  await page.evaluate(() => window.__clipLab.getState().setView('models')); // the input lives in the Models view
  await page.locator('[data-testid="model-file-input"]').setInputFiles(file);
  await page.waitForFunction((f) => window.__clipLab.getModels().lastImport?.fileName === f, fileName, { timeout: 300_000 });
  const imported = await page.evaluate(() => JSON.parse(JSON.stringify(window.__clipLab.getModels().lastImport)));
  if (!imported.ok) throw new UsageError(`${tag}: the model file was refused: ${imported.error}`);
  return imported.model;
}

/** Reads a CLIP checkpoint folder (Hugging Face or open_clip layout) into the library through the Models tab's folder input; returns its summary. */
export async function importClipFolder(page, dir, tag) {
  await page.evaluate(() => window.__clipLab.getState().setView('models'));
  await page.locator('[data-testid="clip-folder-input"]').setInputFiles(dir);
  await page.waitForFunction(() => window.__clipLab.getModels().clipImport === null && window.__clipLab.getModels().lastClipImport !== null, null, { timeout: 1_800_000 });
  const r = await page.evaluate(() => JSON.parse(JSON.stringify(window.__clipLab.getModels().lastClipImport)));
  if (!r.ok) throw new UsageError(`${tag}: the CLIP checkpoint was refused: ${r.error}`);
  return r.model;
}

/** --model PATH: a CLIP Lab .safetensors file, or a CLIP checkpoint folder; returns the stored model's summary. */
export async function importModel(page, path, tag) {
  return statSync(path).isDirectory() ? importClipFolder(page, path, tag) : importModelFile(page, path, tag);
}

/** A request to the inference worker through the test hook; an error answer throws its message. */
export async function inference(page, cmd) {
  return page.evaluate(async (c) => {
    const r = await window.__clipLab.inferenceRequest({ requestId: `cli-${Math.random().toString(36).slice(2)}`, ...c });
    return JSON.parse(JSON.stringify(r, (_k, v) => (v instanceof Uint8Array ? undefined : v)));
  }, cmd);
}
