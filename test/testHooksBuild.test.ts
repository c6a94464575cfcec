// The test hooks (window.__clipLab, the workers' __clipLab*) are in the test build only: the product
// bundle has none of their code. Both builds are made here, into temporary folders.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function bundleText(mode: 'production' | 'test'): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), `clip-lab-${mode}-`));
  dirs.push(outDir);
  await build({ root: process.cwd(), mode, logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  const assets = join(outDir, 'assets');
  return readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(assets, f), 'utf8'))
    .join('\n');
}

// Names that only the hook code uses (not comments): the page hook's methods, the workers' globals.
const HOOK_CODE = [/getDataState:/, /__clipLabTf:/, /__clipLabCheckpoint:/, /installTestHook\(/];

describe('test hooks', () => {
  it('the product build has none; the test build has them all', async () => {
    const [product, testBuild] = [await bundleText('production'), await bundleText('test')];
    for (const re of HOOK_CODE) {
      expect(re.test(product), `product build contains ${re}`).toBe(false);
      expect(re.test(testBuild), `test build lacks ${re}`).toBe(true);
    }
  }, 180_000);
});
